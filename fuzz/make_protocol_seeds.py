#!/usr/bin/env python3
"""Writes the seed sessions for fuzz_protocol: what a host sends to
`kenning server`, frame by frame, in upstream Kenning's 12-byte format and
message exchange (REQUESTs carrying their payload, FIRST on the first frame
and LAST on the last, no acknowledgements), and the host frames of recorded
upstream sessions from tests/data/upstream-interop/."""
import json
import pathlib
import struct

PING, STATUS, DATA, MODEL, PROCESS, OUTPUT, STATS, IO_SPEC = range(8)
OPTIMIZERS, OPTIMIZE_MODEL, UNOPTIMIZED_MODEL = 9, 10, 12
REQUEST, RETRANSMIT, ACK, TRANSMISSION = range(4)
SUCCESS, FAIL, HAS_PAYLOAD, FIRST, LAST, IS_KENNING = 1, 2, 8, 16, 32, 64


def frame(mtype, flow, payload=b"", flags=0):
    if payload:
        flags |= HAS_PAYLOAD
    msg_id = mtype | (flow << 38)
    head = msg_id.to_bytes(5, "little") + b"\0" + struct.pack("<HI", flags, len(payload))
    data = bytearray(head + payload)
    x = 0
    for b in data:
        x ^= b
    data[5] = x ^ 0x4B
    return bytes(data)


def request(mtype, payload=b"", packet=256, flags=0, flow=REQUEST):
    chunks = [payload[i:i + packet] for i in range(0, len(payload), packet)] or [b""]
    out = b""
    for i, c in enumerate(chunks):
        f = flags | (FIRST if i == 0 else 0) | (LAST if i == len(chunks) - 1 else 0)
        out += frame(mtype, flow, c, f)
    return out


here = pathlib.Path(__file__).parent / "corpus" / "protocol"
for old in here.glob("*.bin"):
    old.unlink()

spec = {"input": [{"name": "x", "shape": [-1, 2], "dtype": "float32"}],
        "output": [{"name": "y", "shape": [-1, 2], "dtype": "float32"}]}
data = struct.pack("<4f", 1, 2, 3, 4)
start = request(IO_SPEC, json.dumps(spec).encode()) + request(MODEL, b"m" * 300)
(here / "session.bin").write_bytes(start + request(DATA, data) + request(PROCESS) + request(OUTPUT)
                                   + request(STATS))
# Out of order, a TRANSMISSION from the host, a frame without FIRST, an ACK.
(here / "out_of_order.bin").write_bytes(request(PROCESS) + request(DATA, data)
                                        + request(IO_SPEC, b"{not json")
                                        + request(IO_SPEC, json.dumps(spec).encode(), flow=TRANSMISSION)
                                        + frame(IO_SPEC, REQUEST, b"{}", LAST)
                                        + frame(DATA, ACK, flags=SUCCESS | IS_KENNING))
# The benchmark mode and the serial goodbye.
(here / "benchmark.bin").write_bytes(request(PING, flags=SUCCESS) + start + request(DATA, data)
                                     + request(PROCESS, json.dumps({"runs": 20, "warmup": 3}).encode())
                                     + request(STATS) + request(PING, flags=FAIL))
# Target-side optimization with client-chosen paths that must not be taken.
optimize = {"prev_block": {"model_path": "m.onnx", "model_type": "onnx", "io_spec": spec},
            "optimizers": [{"type": "copy", "parameters": {"compiled_model_path": "../../up.onnx"}},
                           {"type": "copy", "parameters": {"compiled_model_path": "/tmp/abs.onnx"}}]}
(here / "optimize.bin").write_bytes(request(OPTIMIZERS, json.dumps(optimize).encode())
                                    + request(UNOPTIMIZED_MODEL, b"u" * 500) + request(OPTIMIZE_MODEL)
                                    + request(STATS))

# Upstream hosts' frames as recorded, where they carry no slice of the 1.69 MB model.
recordings = pathlib.Path(__file__).parent.parent / "tests" / "data" / "upstream-interop" / "transcripts"
for name in ["d1-fail-model", "p-probe", "p-probe-er"]:
    frames = b""
    for line in (recordings / f"{name}.jsonl").read_text().splitlines():
        f = json.loads(line)
        if f["dir"] == "host->target" and "payload_ref" not in f and not f.get("greeting"):
            frames += bytes.fromhex(f["hex"])
    (here / f"upstream-{name}.bin").write_bytes(frames)
