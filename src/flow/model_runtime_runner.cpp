#include "flow/model_runtime_runner.h"

#include <chrono>

#include "kenning/core/error.h"
#include "kenning/core/frame.h"

namespace kenning {
namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Views of the frame tensor as OpenCV sees it (no copy).
cv::Mat frame_mat(const TensorView& frame) {
  const Shape& s = frame.shape();
  return cv::Mat(static_cast<int>(s[0]), static_cast<int>(s[1]), CV_8UC3, const_cast<std::byte*>(frame.bytes().data()));
}
}  // namespace

ModelRuntimeRunner::ModelRuntimeRunner(const nlohmann::json& parameters, const std::string& where) : where_(where) {
  const Params params = schema().parse(parameters, where + ".parameters");
  nlohmann::json blocks = {{"model_wrapper", params.model_wrapper}};
  if (!params.runtime.is_null()) blocks["runtime"] = params.runtime;
  pipeline_ = build_pipeline(blocks, where + ".parameters", {"model_wrapper"});
  if (pipeline_.runtime) check_format_chain(pipeline_);
  ModelWrapper& wrapper = *pipeline_.model_wrapper;
  model_ = wrapper.model_path();
  if (pipeline_.runtime && !pipeline_.runtime->save_model_path().empty()) {
    model_ = pipeline_.runtime->save_model_path();
  }
  std::error_code ec;
  spec_ = std::filesystem::exists(io_spec_path(model_), ec) ? load_io_spec(model_) : wrapper.io_spec();
  const auto inputs = wrapper.preprocess_input_spec();
  if (inputs.size() != 1) {
    throw ConfigError(where + ": the model takes " + std::to_string(inputs.size()) +
                      " inputs; a flow feeds it one frame");
  }
  frame_input_.emplace(inputs[0], where);
  const IOSpec wrapper_spec = wrapper.io_spec();
  outputs_ = wrapper_spec.processed_output.empty() ? wrapper_spec.output : wrapper_spec.processed_output;
}

std::vector<TensorSpec> ModelRuntimeRunner::input_spec() const { return {frame_spec("input")}; }

void ModelRuntimeRunner::prepare(const std::vector<TensorSpec>&) {
  if (pipeline_.runtime) pipeline_.runtime->prepare_model(model_, spec_);
}

std::optional<std::vector<Tensor>> ModelRuntimeRunner::step(std::span<const TensorView> inputs) {
  const auto start = Clock::now();
  Batch batch;
  batch.inputs.push_back(frame_input_->convert(frame_mat(inputs[0])));
  batch.size = 1;
  ModelWrapper& wrapper = *pipeline_.model_wrapper;
  const std::vector<Tensor> model_inputs = wrapper.preprocess(batch);
  std::vector<TensorView> views;
  for (const Tensor& t : model_inputs) views.push_back(t.view());
  std::vector<Tensor> raw;
  if (pipeline_.runtime) {
    pipeline_.runtime->load_input(views);
    pipeline_.runtime->run();
    raw = pipeline_.runtime->extract_output();
  } else {
    raw = wrapper.run_inference(views);
  }
  std::vector<Tensor> outputs = wrapper.postprocess(std::move(raw));
  if (outputs.size() != outputs_.size()) {
    throw BackendError(where_ + ": the model wrapper returned " + std::to_string(outputs.size()) +
                       " outputs, its I/O spec lists " + std::to_string(outputs_.size()));
  }
  work_s_ += seconds_since(start);
  return outputs;
}

}  // namespace kenning
