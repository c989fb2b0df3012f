#include "remote_inference.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "tensor_payload.h"

namespace kenning {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

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
  m.set("model_upload_time", seconds_since(start));
  output_specs_ = spec.model_outputs();
  spdlog::info("model {} uploaded to the target with {} in {:.3f} s", model.string(), protocol_.type_name(),
               seconds_since(start));
}

std::vector<Tensor> RemoteInference::infer(std::span<const TensorView> inputs, Measurements& m) {
  const auto start = Clock::now();
  protocol_.upload_input(protocol::concat_tensors(inputs));
  protocol_.request_processing();
  const auto output = protocol_.download_output();
  m.append_timed("protocol_inference_step", seconds_since(start), unix_time_now());
  return protocol::split_tensors(output, output_specs_, "OUTPUT from the target");
}

void RemoteInference::finish(Measurements& m) {
  const nlohmann::json stats = protocol_.download_statistics(true);
  // The target's numbers (target_inference_step, its runtime and versions)
  // stand in for what a local run would have measured on this host.
  for (const auto& [key, value] : stats.items()) m.set(key, value);
  protocol_.disconnect();
}

}  // namespace kenning
