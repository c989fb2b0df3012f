// What travels inside frames: LOGS entries (read defensively: upstream's
// target may write a length byte that does not match), the ServerAction
// byte of a reply, and the IO_SPEC upload in upstream's two forms, JSON and
// the 356-byte struct of its serial host (the recorded one in
// tests/data/upstream-interop/).
#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "protocols/io_spec_payload.h"
#include "protocols/log_entries.h"
#include "protocols/server_status.h"
#include "protocols/upstream_transcript.h"

using namespace kenning;
using namespace kenning::protocol;

namespace {

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

}  // namespace

TEST(LogEntries, ReadsUpstreamsEntriesWithTheirLevels) {
  // d2's third LOGS frame: two entries in one transmission.
  const std::string a = " [INFO] Model loading ended successfully";
  const std::string b = " [ERROR] Received input data that is not a multiple of the sample size";
  const auto entries = decode_log_entries(bytes_of(char(a.size()) + a + char(b.size()) + b));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].level, "INFO");
  EXPECT_EQ(entries[0].message, "Model loading ended successfully");
  EXPECT_EQ(entries[1].level, "ERROR");
  EXPECT_EQ(entries[1].message, "Received input data that is not a multiple of the sample size");
}

TEST(LogEntries, AMalformedPayloadNeverFails) {
  // A length byte promising more than follows, text without a level, an empty payload.
  const auto entries = decode_log_entries(bytes_of(std::string(1, char(255)) + "short"));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].message, "short");
  EXPECT_TRUE(entries[0].level.empty());
  EXPECT_TRUE(decode_log_entries({}).empty());
  const auto zero = decode_log_entries(bytes_of(std::string(3, '\0')));
  EXPECT_EQ(zero.size(), 3u) << "three empty entries";
}

TEST(LogEntries, WritesEntriesOfAtMost255Bytes) {
  const LogEntry long_entry{"ERROR", std::string(400, 'x')};
  const auto payload = encode_log_entries({&long_entry, 1});
  ASSERT_EQ(payload.size(), 256u);
  EXPECT_EQ(payload[0], std::byte{255});
  const auto back = decode_log_entries(payload);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].level, "ERROR");
}

TEST(ServerActionPayload, IsOneByteReadAsUpstreamReadsIt) {
  EXPECT_EQ(encode_action(ServerAction::UploadingInput), std::vector<std::byte>{std::byte{5}});
  EXPECT_EQ(decode_action(std::vector<std::byte>{std::byte{6}}), ServerAction::ProcessingInput);
  // Upstream reads the whole payload as one little-endian number: a second non-zero byte changes it.
  EXPECT_FALSE(decode_action(std::vector<std::byte>{std::byte{6}, std::byte{'x'}}).has_value());
  EXPECT_FALSE(decode_action({}).has_value());
  EXPECT_EQ(action_for(MessageType::Model), ServerAction::UploadingModel);
}

TEST(IoSpecPayload, ReadsUpstreamsSerialStructAndWritesItBack) {
  const auto recorded =
      kenning::testing::read_bytes(kenning::testing::interop_dir() / "model" / "tiny-linear.iospec-uart.bin");
  ASSERT_EQ(recorded.size(), kIoSpecStructSize);
  ASSERT_TRUE(is_io_spec_struct(recorded));
  const IOSpec spec = parse_io_spec_payload(recorded);
  ASSERT_EQ(spec.input.size(), 1u);
  EXPECT_EQ(spec.input[0].shape, (Shape{1, 1, 28, 28}));
  EXPECT_EQ(spec.input[0].dtype, DType::Float32);
  ASSERT_EQ(spec.output.size(), 1u);
  EXPECT_EQ(spec.output[0].shape, (Shape{1, 10}));
  EXPECT_EQ(io_spec_struct_payload(spec), recorded) << "the same 356 bytes, model name included";
}

TEST(IoSpecPayload, RefusesWhatIsNeitherJsonNorTheStruct) {
  EXPECT_THROW(parse_io_spec_payload(bytes_of("not json")), ConfigError);
  std::vector<std::byte> bad(kIoSpecStructSize);
  bad[0] = std::byte{2};
  bad[4] = std::byte{9};  // num_input_dim[0] = 9: more than the struct's 4
  EXPECT_THROW(parse_io_spec_payload(bad), ConfigError);
  IOSpec dynamic;
  dynamic.input.push_back({"x", {-1, 3}});
  EXPECT_FALSE(io_spec_struct_payload(dynamic).has_value()) << "the struct has no dynamic dimensions";
}
