#include "scenarios/remote_inference.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "kenning/measurement/latency_stats.h"
#include "kenning/model_wrapper.h"
#include "protocols/tensor_payload.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

IOSpec optimize_on_target(Protocol& protocol, std::span<const std::unique_ptr<Optimizer>> optimizers,
                          const std::filesystem::path& model, const IOSpec& spec, nlohmann::json& reports) {
  nlohmann::json request = {
      {"prev_block",
       {{"model_path", model.string()}, {"model_type", model_format_from_path(model)}, {"io_spec", spec.to_json()}}},
      {"optimizers", nlohmann::json::array()}};
  for (const auto& o : optimizers) request[keys::optimizers].push_back(o->to_json());
  const auto start = Clock::now();
  protocol.initialize_client();
  // Whatever happens, the session ends: the test that follows opens its own.
  struct Hangup {
    Protocol& p;
    ~Hangup() {
      try {
        p.disconnect();
      } catch (const std::exception&) {
      }
    }
  } hangup{protocol};
  spdlog::info("optimizing {} on the target with {} optimizer(s)", model.string(), optimizers.size());
  const auto compiled = protocol.optimize_on_target(request, model);
  const nlohmann::json stats = protocol.download_statistics(false);
  if (!stats.contains(keys::optimized_io_spec)) {
    throw ProtocolError("target " + protocol.endpoint() +
                        ": no optimized_io_spec in its statistics after OPTIMIZE_MODEL");
  }
  IOSpec result = IOSpec::from_json(stats[keys::optimized_io_spec], "the target's optimized_io_spec");
  reports = stats.value(keys::target_optimizers, nlohmann::json::array());
  const auto out = optimizers.back()->compiled_model_path();
  write_file_atomically(out, std::string(reinterpret_cast<const char*>(compiled.data()), compiled.size()));
  save_io_spec(result, out);
  spdlog::info("{} ({} bytes) compiled on the target in {:.3f} s", out.string(), compiled.size(), seconds_since(start));
  return result;
}

RemoteInference::~RemoteInference() {
  try {
    protocol_.disconnect();
  } catch (const std::exception&) {
  }
}

void RemoteInference::prepare(const std::filesystem::path& model, const IOSpec& spec, Measurements& m) {
  const auto start = Clock::now();
  protocol_.initialize_client();
  protocol_.upload_io_specification(spec);
  protocol_.upload_model(model);
  m.set(keys::model_upload_time, seconds_since(start));
  output_specs_ = spec.model_outputs();
  spdlog::info("model {} uploaded to the target with {} in {:.3f} s", model.string(), protocol_.type_name(),
               seconds_since(start));
}

std::string RemoteInference::description() const { return protocol_.type_name() + " (remote)"; }

QueryOutputs RemoteInference::infer(std::span<const TensorView> inputs, Measurements& m) {
  // One request at a time, as upstream's host: protocol_inference_step is the
  // PROCESS round trip alone (upstream's meaning), protocol_batch_step the batch's three.
  const auto start = Clock::now();
  protocol_.upload_input(protocol::concat_tensors(inputs));
  const auto process_start = Clock::now();
  protocol_.request_processing();
  const double process_time = seconds_since(process_start);
  const auto output = protocol_.download_output();
  const double now = unix_time_now();
  m.append_timed(keys::protocol_inference_step, process_time, now);
  m.append_timed(keys::protocol_batch_step, seconds_since(start), now);
  return {protocol::split_tensors(output, output_specs_, "OUTPUT from the target"), 0.0};
}

void RemoteInference::benchmark(std::span<const TensorView> inputs, std::size_t runs, std::size_t warmup) {
  const auto start = Clock::now();
  protocol_.upload_input(protocol::concat_tensors(inputs));
  protocol_.run_target_benchmark(runs, warmup);
  spdlog::info("target-side benchmark: {} runs after {} warm-ups in {:.3f} s", runs, warmup, seconds_since(start));
}

void RemoteInference::finish(Measurements& m) {
  const nlohmann::json stats = protocol_.download_statistics(true);
  // The target's numbers (target_inference_step, its runtime and versions)
  // stand in for what a local run would have measured on this host.
  m.merge(stats);
  if (stats.contains(keys::target_benchmark_step) && stats[keys::target_benchmark_step].is_array()) {
    m.set(keys::target_benchmark_statistics,
          latency_statistics(stats[keys::target_benchmark_step].get<std::vector<double>>()));
  }
  protocol_.disconnect();
}

}  // namespace kenning
