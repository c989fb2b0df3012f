// Fuzz target: the host/target protocol. The same bytes go (1) through the
// frame decoder, message reassembly and the LOGS and IO_SPEC payload
// parsers, and (2) to a server session as if a
// client had sent them, with a stand-in runtime. Any input must end in
// replies or a refused session — never a crash, a hang or a huge allocation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "protocols/channel.h"
#include "protocols/frame.h"
#include "copy_optimizer.h"
#include "echo_runtime.h"
#include "server/inference_server.h"
#include "kenning/core/error.h"
#include "protocols/memory_transport.h"
#include "protocols/io_spec_payload.h"
#include "protocols/log_entries.h"
#include "protocols/message_assembler.h"

namespace {

constexpr std::size_t kMaxMessage = 1 << 16;

using kenning::testing::EchoRuntime;

void decode_all(std::span<const std::byte> bytes) {
  using namespace kenning::protocol;
  MessageAssembler assembler(kMaxMessage);
  while (!bytes.empty()) {
    const auto r = decode_frame(bytes, kMaxMessage);
    if (!r) return;
    if (r->error == FrameError::None) {
      const auto m = assembler.add(r->frame);
      if (m.status == MessageAssembler::Status::Complete) {
        if (m.message.payload.size() > kMaxMessage) __builtin_trap();
        // The payload parsers a host or target runs on what it receives.
        decode_log_entries(m.message.payload);
        try {
          parse_io_spec_payload(m.message.payload);
        } catch (const kenning::ConfigError&) {
        }
      }
    } else if (r->error != FrameError::BadChecksum) {
      return;  // the stream cannot be trusted past a bad header
    }
    bytes = bytes.subspan(r->used);
  }
}

void serve(std::span<const std::byte> bytes) {
  using namespace kenning::protocol;
  // One folder per run, removed when the fuzzer exits.
  struct ModelDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("kenning-fuzz-protocol-" + std::to_string(::getpid()));
    ModelDir() { std::filesystem::create_directories(path); }
    ~ModelDir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const ModelDir dir;
  const auto& model_dir = dir.path;
  auto [client, server_end] = make_memory_pipe();
  client->write(bytes, std::chrono::milliseconds(1));
  client->close();  // the server reads the input, then end of file
  ChannelOptions options;
  options.packet_size = 256;
  options.max_message_size = kMaxMessage;
  options.timeout = std::chrono::milliseconds(50);
  options.error_recovery = true;
  Channel channel(*server_end, options);
  EchoRuntime runtime;
  kenning::ServerLimits limits;
  limits.max_model_size = 4096;
  limits.idle_timeout = std::chrono::milliseconds(50);
  // Target-side optimization too, with an invariant: whatever the client
  // names, no compiled model lands outside the model folder.
  std::vector<std::filesystem::path> paths;
  kenning::InferenceServer server(runtime, model_dir, limits, "", kenning::testing::copy_optimizer_factory(paths));
  server.serve(channel);  // never throws
  for (const auto& p : paths) {
    if (p.parent_path() != model_dir || p.string().find("..") != std::string::npos) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The server logs every refusal; thousands of them would drown the result.
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  decode_all(bytes);
  serve(bytes);
  return 0;
}
