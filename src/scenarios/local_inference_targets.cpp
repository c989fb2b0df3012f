// The two targets on this host: a runtime running the model file, and the
// model wrapper running its model in its own framework. Both time only the
// run itself, as target_inference_step.
#include <chrono>

#include "kenning/model_wrapper.h"
#include "kenning/runtime.h"
#include "scenarios/inference_target.h"
#include "scenarios/remote_inference.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

class RuntimeTarget : public InferenceTarget {
 public:
  explicit RuntimeTarget(Runtime& runtime) : runtime_(runtime) {}

  std::string description() const override { return runtime_.type_name(); }
  bool runs_model_file() const override { return true; }

  void prepare(const std::filesystem::path& model, const IOSpec& spec, Measurements& m) override {
    const auto start = Clock::now();
    runtime_.prepare_model(model, spec);
    m.set(keys::runtime_prepare_time, seconds_since(start));
  }

  QueryOutputs infer(std::span<const TensorView> inputs, Measurements& m) override {
    runtime_.load_input(inputs);
    const auto start = Clock::now();
    runtime_.run();
    const double step = seconds_since(start);
    m.append_timed(keys::target_inference_step, step, unix_time_now());
    return {runtime_.extract_output(), step};
  }

 private:
  Runtime& runtime_;
};

class NativeTarget : public InferenceTarget {
 public:
  explicit NativeTarget(ModelWrapper& wrapper) : wrapper_(wrapper) {}

  std::string description() const override { return wrapper_.type_name() + " (native)"; }
  bool runs_model_file() const override { return false; }

  // The wrapper loads its model on first use.
  void prepare(const std::filesystem::path&, const IOSpec&, Measurements&) override {}

  QueryOutputs infer(std::span<const TensorView> inputs, Measurements& m) override {
    const auto start = Clock::now();
    std::vector<Tensor> outputs = wrapper_.run_inference(inputs);
    const double step = seconds_since(start);
    m.append_timed(keys::target_inference_step, step, unix_time_now());
    return {std::move(outputs), step};
  }

 private:
  ModelWrapper& wrapper_;
};

}  // namespace

std::unique_ptr<InferenceTarget> make_inference_target(Pipeline& p) {
  if (p.protocol) return std::make_unique<RemoteInference>(*p.protocol);
  if (p.runtime) return std::make_unique<RuntimeTarget>(*p.runtime);
  return std::make_unique<NativeTarget>(*p.model_wrapper);
}

}  // namespace kenning
