// Recorded upstream Kenning sessions (tests/data/upstream-interop/): one
// JSON line per frame, in the order a relay between an upstream host and an
// upstream target saw them. Frames that carry slices of the uploaded model
// name them with `payload_ref`; the model is the committed
// models/fashion-mnist-cnn.ts, byte for byte.
#pragma once

#include <cstddef>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocols/frame.h"

namespace kenning::testing {

inline std::filesystem::path interop_dir() {
  return std::filesystem::path(KENNING_TEST_SOURCE_DIR) / "tests" / "data" / "upstream-interop";
}

struct RecordedFrame {
  bool to_target = true;         // host -> target
  bool greeting = false;         // the byte a TCP target writes on accept, not a frame
  std::vector<std::byte> bytes;  // the whole frame as sent
  protocol::FrameHeader header;

  bool ends_message() const {
    return header.has(protocol::flag::kLast) || header.flow == protocol::FlowControl::Acknowledge ||
           header.flow == protocol::FlowControl::RequestRetransmit;
  }
  bool is_logs() const { return header.type == protocol::MessageType::Logs; }
  std::span<const std::byte> payload() const { return std::span(bytes).subspan(protocol::kHeaderSize); }
};

inline std::vector<std::byte> from_hex(const std::string& hex) {
  std::vector<std::byte> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::byte>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

inline std::vector<std::byte> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot open");
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

// `name`: "a-default", "u-uart", ...
inline std::vector<RecordedFrame> load_transcript(const std::string& name) {
  const auto path = interop_dir() / "transcripts" / (name + ".jsonl");
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  const auto model = read_bytes(std::filesystem::path(KENNING_TEST_SOURCE_DIR) / "models" / "fashion-mnist-cnn.ts");
  std::vector<RecordedFrame> frames;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    RecordedFrame f;
    f.to_target = j.at("dir") == "host->target";
    f.greeting = j.value("greeting", false);
    f.bytes = from_hex(j.at("hex").get<std::string>());
    if (j.contains("payload_ref")) {
      const auto& ref = j.at("payload_ref");
      if (ref.at("file") != "model/fashion-mnist-cnn.ts")
        throw std::runtime_error(path.string() + ": unknown payload_ref");
      const auto offset = ref.at("offset").get<std::size_t>(), length = ref.at("length").get<std::size_t>();
      if (offset > model.size() || length > model.size() - offset) throw std::runtime_error("payload_ref out of range");
      f.bytes.insert(f.bytes.end(), model.begin() + static_cast<std::ptrdiff_t>(offset),
                     model.begin() + static_cast<std::ptrdiff_t>(offset + length));
    }
    if (!f.greeting) f.header = protocol::decode_header(std::span(f.bytes).first<protocol::kHeaderSize>());
    frames.push_back(std::move(f));
  }
  return frames;
}

// A recorded host message (FIRST to LAST, or a lone ACK) and what the target
// sent before the host's next frame (replies and LOGS, in order).
struct RecordedExchange {
  std::vector<const RecordedFrame*> request;
  std::vector<const RecordedFrame*> answer;
};

inline std::vector<RecordedExchange> exchanges(const std::vector<RecordedFrame>& frames) {
  std::vector<RecordedExchange> out;
  RecordedExchange current;
  for (const auto& f : frames) {
    if (f.greeting) continue;
    if (!f.to_target) {
      // LOGS between the frames of a request count with its answer.
      if (!current.request.empty()) current.answer.push_back(&f);
      continue;
    }
    if (!current.request.empty() && current.request.back()->ends_message()) {
      out.push_back(std::move(current));
      current = {};
    }
    current.request.push_back(&f);
  }
  if (!current.request.empty()) out.push_back(std::move(current));
  return out;
}

// The non-LOGS frames of an answer: the target's replies.
inline std::vector<const RecordedFrame*> replies(const RecordedExchange& e) {
  std::vector<const RecordedFrame*> out;
  for (const auto* f : e.answer) {
    if (!f->is_logs()) out.push_back(f);
  }
  return out;
}

}  // namespace kenning::testing
