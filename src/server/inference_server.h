// The target's side of a session (`kenning server`): answers one host's
// requests with a Runtime until the host leaves, as upstream Kenning's
// target does (docs/targets.md): every request is answered by a
// TRANSMISSION of its own type with IS_KENNING and SUCCESS or FAIL; uploads
// and PROCESS with the one ServerAction byte, OUTPUT/STATS/OPTIMIZE_MODEL
// with their data. Reasons for a FAIL go to our log and to a LOGS message.
//
// Order enforced: [PING with token] -> IO_SPEC (JSON or upstream's serial
// struct) -> MODEL -> (DATA -> PROCESS -> OUTPUT)* -> STATS, any time;
// target-side optimization (OPTIMIZERS -> UNOPTIMIZED_MODEL ->
// OPTIMIZE_MODEL, target_optimization.h) any time. Each PROCESS consumes the
// last DATA; one carrying {"runs": N, "warmup": W} is the benchmark mode.
// PING with FAIL is the client's goodbye. A request out of that order, one
// the runtime rejects, a TRANSMISSION or a message without FIRST gets a FAIL
// reply and the session goes on; acknowledgements are ignored. Framing that
// cannot be read, a timeout or a bad token ends the session; the server
// then waits for the next client. No exception escapes serve().
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "protocols/channel.h"
#include "kenning/core/io_spec.h"
#include "kenning/measurement/measurements.h"
#include "kenning/runtime.h"
#include "server/target_optimization.h"

namespace kenning {

struct ServerLimits {
  std::size_t max_model_size = std::size_t{256} << 20;
  std::chrono::milliseconds idle_timeout{30000};  // wait for the client's next message
  std::size_t max_benchmark_runs = 1000000;       // timed runs of one benchmark request
};

struct SessionSummary {
  std::size_t inferences = 0;
  std::string end_reason;  // "client disconnected", or the error that ended it
  bool clean = false;      // ended by the client closing the link
};

class InferenceServer {
 public:
  // `model_dir` receives uploaded models under a fixed name; nothing the
  // client sends becomes part of a path. `runtime` must outlive the server.
  // Without an `optimizers` factory, OPTIMIZERS is refused.
  InferenceServer(Runtime& runtime, std::filesystem::path model_dir, ServerLimits limits, std::string token,
                  OptimizerFactory optimizers = {});

  SessionSummary serve(protocol::Channel& channel);

 private:
  struct Session;
  // Handles one request; throws kenning::Error for refusals that keep the
  // session alive (answered with FAIL) and ProtocolError for ones that end it.
  void handle(protocol::Channel& channel, const protocol::Message& m, Session& s);
  void receive_model(const protocol::Message& m, Session& s);
  void run_benchmark(const protocol::Message& m, Session& s);
  void handle_optimization(protocol::Channel& channel, const protocol::Message& m, Session& s);

  Runtime& runtime_;
  std::filesystem::path model_dir_;
  ServerLimits limits_;
  std::string token_;
  OptimizerFactory optimizers_;
};

}  // namespace kenning
