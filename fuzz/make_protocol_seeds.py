#!/usr/bin/env python3
"""Writes the seed sessions for fuzz_protocol: what a client sends to
`kenning server`, frame by frame, in upstream Kenning's 12-byte format."""
import json
import pathlib
import struct

PING, STATUS, DATA, MODEL, PROCESS, OUTPUT, STATS, IO_SPEC = range(8)
OPTIMIZERS, OPTIMIZE_MODEL, UNOPTIMIZED_MODEL = 9, 10, 12
REQUEST, RETRANSMIT, ACK, TRANSMISSION = range(4)
FAIL = 2
SUCCESS, HAS_PAYLOAD, FIRST, LAST, IS_HOST, IS_KENNING = 1, 8, 16, 32, 4, 64


def frame(mtype, flow, payload=b"", flags=0, size=None):
    flags |= IS_HOST | IS_KENNING
    if payload:
        flags |= HAS_PAYLOAD
        size = len(payload)
    msg_id = mtype | (flow << 38)
    head = msg_id.to_bytes(5, "little") + b"\0" + struct.pack("<HI", flags, size or 0)
    data = bytearray(head + payload)
    x = 0
    for b in data:
        x ^= b
    data[5] = x ^ 0x4B
    return bytes(data)


def transmission(mtype, payload, packet=256, flags=0):
    chunks = [payload[i:i + packet] for i in range(0, len(payload), packet)] or [b""]
    out = b""
    for i, c in enumerate(chunks):
        f = flags | (FIRST if i == 0 else 0) | (LAST if i == len(chunks) - 1 else 0)
        out += frame(mtype, TRANSMISSION, c, f)
    return out


def ack(mtype):
    return frame(mtype, ACK, flags=SUCCESS, size=1)


spec = {"input": [{"name": "x", "shape": [-1, 2], "dtype": "float32"}],
        "output": [{"name": "y", "shape": [-1, 2], "dtype": "float32"}]}
data = struct.pack("<4f", 1, 2, 3, 4)
session = (transmission(PING, b"") + ack(STATUS)
           + transmission(IO_SPEC, json.dumps(spec).encode()) + ack(STATUS)
           + transmission(MODEL, b"m" * 300) + ack(STATUS)
           + transmission(DATA, data) + ack(STATUS)
           + frame(PROCESS, REQUEST) + ack(STATUS)
           + frame(OUTPUT, REQUEST) + ack(OUTPUT)
           + frame(STATS, REQUEST) + ack(STATS))
here = pathlib.Path(__file__).parent / "corpus" / "protocol"
(here / "session.bin").write_bytes(session)
(here / "out_of_order.bin").write_bytes(frame(PROCESS, REQUEST) + ack(STATUS)
                                        + transmission(DATA, data) + ack(STATUS)
                                        + transmission(IO_SPEC, b"{not json") + ack(STATUS))

# Pipelined batches (DATA, PROCESS, OUTPUT back to back), the benchmark
# mode, and the goodbye.
start = (transmission(PING, b"") + ack(STATUS)
         + transmission(IO_SPEC, json.dumps(spec).encode()) + ack(STATUS)
         + transmission(MODEL, b"m" * 300) + ack(STATUS))
batch = transmission(DATA, data) + frame(PROCESS, REQUEST) + frame(OUTPUT, REQUEST)
(here / "pipelined.bin").write_bytes(start + batch + batch + ack(STATUS) + ack(STATUS) + ack(OUTPUT)
                                     + transmission(PROCESS, json.dumps({"runs": 20, "warmup": 3}).encode())
                                     + ack(STATUS) + frame(STATS, REQUEST) + ack(STATS)
                                     + transmission(PING, b"", flags=FAIL))
# Target-side optimization with client-chosen paths that must not be taken.
request = {"prev_block": {"model_path": "m.onnx", "model_type": "onnx", "io_spec": spec},
           "optimizers": [{"type": "copy", "parameters": {"compiled_model_path": "../../up.onnx"}},
                          {"type": "copy", "parameters": {"compiled_model_path": "/tmp/abs.onnx"}}]}
(here / "optimize.bin").write_bytes(transmission(PING, b"") + ack(STATUS)
                                    + transmission(OPTIMIZERS, json.dumps(request).encode()) + ack(STATUS)
                                    + transmission(UNOPTIMIZED_MODEL, b"u" * 500) + ack(STATUS)
                                    + frame(OPTIMIZE_MODEL, REQUEST) + ack(OPTIMIZE_MODEL)
                                    + frame(STATS, REQUEST) + ack(STATS))
