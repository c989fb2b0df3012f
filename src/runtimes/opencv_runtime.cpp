#include "runtimes/opencv_runtime.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <system_error>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "kenning/core/error.h"

namespace kenning {
namespace {

using Backend = OpenCVRuntime::Backend;
using Target = OpenCVRuntime::Target;

cv::dnn::Backend cv_backend(Backend b) {
  switch (b) {
    case Backend::Default:
      return cv::dnn::DNN_BACKEND_DEFAULT;
    case Backend::OpenCV:
      return cv::dnn::DNN_BACKEND_OPENCV;
    case Backend::Cuda:
      return cv::dnn::DNN_BACKEND_CUDA;
    case Backend::VkCom:
      return cv::dnn::DNN_BACKEND_VKCOM;
  }
  return cv::dnn::DNN_BACKEND_OPENCV;  // unreachable: schema().check() ran first
}
cv::dnn::Target cv_target(Target t) {
  switch (t) {
    case Target::Cpu:
      return cv::dnn::DNN_TARGET_CPU;
    case Target::OpenCL:
      return cv::dnn::DNN_TARGET_OPENCL;
    case Target::OpenCLFp16:
      return cv::dnn::DNN_TARGET_OPENCL_FP16;
    case Target::Cuda:
      return cv::dnn::DNN_TARGET_CUDA;
    case Target::CudaFp16:
      return cv::dnn::DNN_TARGET_CUDA_FP16;
  }
  return cv::dnn::DNN_TARGET_CPU;  // unreachable: schema().check() ran first
}

// Names of OpenCV's own values, which may include ones the parameters lack.
std::string backend_name(cv::dnn::Backend b) {
  for (const auto& e : OpenCVRuntime::kBackendNames) {
    if (cv_backend(e.value) == b) return e.name;
  }
  return "backend#" + std::to_string(static_cast<int>(b));
}
std::string target_name(cv::dnn::Target t) {
  for (const auto& e : OpenCVRuntime::kTargetNames) {
    if (cv_target(e.value) == t) return e.name;
  }
  return "target#" + std::to_string(static_cast<int>(t));
}

// "opencv/cpu, opencv/opencl, ..." for error messages.
std::string available_pairs() {
  std::string out;
  for (const auto& [b, t] : cv::dnn::getAvailableBackends()) {
    if (!out.empty()) out += ", ";
    out += backend_name(b) + "/" + target_name(t);
  }
  return out.empty() ? "none" : out;
}

// OpenCV's messages span several lines; errors here are one line.
std::string one_line(const cv::Exception& e) {
  std::string text = e.err.empty() ? std::string(e.what()) : e.err;
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  const auto end = text.find_last_not_of(' ');
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

}  // namespace

struct OpenCVRuntime::State {
  cv::dnn::Backend backend = cv::dnn::DNN_BACKEND_OPENCV;
  cv::dnn::Target target = cv::dnn::DNN_TARGET_CPU;
  cv::dnn::Net net;
  std::filesystem::path model;
  std::vector<TensorSpec> input_specs;
  std::vector<std::string> input_names;  // "" binds the network's first input
  std::vector<cv::String> output_names;
  std::vector<cv::Mat> outputs;  // views of the network's own output blobs
  std::vector<int> sizes;        // scratch for Mat shapes, reused across runs
  bool prepared = false;
  bool has_input = false;
  bool has_output = false;
};

OpenCVRuntime::OpenCVRuntime(const Params& params) : params_(params), state_(std::make_unique<State>()) {
  schema().check(params_);
  state_->backend = cv_backend(params_.backend);
  state_->target = cv_target(params_.target);
  // Checked here, not at prepare_model, so a scenario fails before any work.
  const std::vector<cv::dnn::Target> targets = cv::dnn::getAvailableTargets(state_->backend);
  if (targets.empty()) {
    throw ConfigError("OpenCVRuntime: parameter 'backend': '" + enum_name(kBackendNames, params_.backend) +
                      "' is not available in this OpenCV build; available backend/target "
                      "pairs: " +
                      available_pairs());
  }
  if (std::find(targets.begin(), targets.end(), state_->target) == targets.end()) {
    throw ConfigError("OpenCVRuntime: parameter 'target': '" + enum_name(kTargetNames, params_.target) +
                      "' is not available with backend '" + enum_name(kBackendNames, params_.backend) +
                      "' in this OpenCV build; available backend/target pairs: " + available_pairs());
  }
}

OpenCVRuntime::~OpenCVRuntime() = default;

std::string OpenCVRuntime::framework_version() const { return cv::getVersionString(); }

void OpenCVRuntime::prepare_model(const std::filesystem::path& model, const IOSpec& spec) {
  State& s = *state_;
  s.prepared = s.has_input = s.has_output = false;
  s.model = model.empty() ? params_.save_model_path : model;
  const std::string file = s.model.string();
  if (s.model.empty()) throw IoError("OpenCVRuntime: no model file given");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(s.model, ec)) {
    throw IoError("OpenCVRuntime: model file '" + file + "' does not exist or is not a file");
  }

  s.input_specs = spec.model_inputs();
  for (const TensorSpec& in : s.input_specs) {
    if (in.dtype != DType::Float32) {
      throw NotSupported("OpenCVRuntime: input '" + in.name + "' of '" + file + "' is " +
                         std::string(dtype_name(in.dtype)) + "; only float32 inputs are supported");
    }
  }

  cv::setNumThreads(static_cast<int>(params_.num_threads));
  try {
    s.net = cv::dnn::readNetFromONNX(file);
  } catch (const cv::Exception& e) {
    throw BackendError("OpenCVRuntime: cannot load '" + file + "' as ONNX: " + one_line(e));
  }
  if (s.net.empty()) throw BackendError("OpenCVRuntime: '" + file + "' holds no network");

  try {
    s.net.setPreferableBackend(s.backend);
    s.net.setPreferableTarget(s.target);

    // Inputs go by the spec's names; an unnamed spec can only mean "the" input.
    s.input_names.clear();
    const bool named =
        std::all_of(s.input_specs.begin(), s.input_specs.end(), [](const TensorSpec& t) { return !t.name.empty(); });
    if (named) {
      const cv::Ptr<cv::dnn::Layer> input_layer = s.net.getLayer(0);
      for (const TensorSpec& in : s.input_specs) {
        if (input_layer->outputNameToIndex(in.name) < 0) {
          throw ConfigError("OpenCVRuntime: input '" + in.name +
                            "' of the I/O spec is not an "
                            "input of '" +
                            file + "'");
        }
        s.input_names.push_back(in.name);
      }
    } else if (s.input_specs.size() == 1) {
      s.input_names.emplace_back();
    } else {
      throw NotSupported("OpenCVRuntime: '" + file + "' has " + std::to_string(s.input_specs.size()) +
                         " inputs in its I/O spec; several inputs need names");
    }

    // Outputs by the spec's names when the network has them all, so their
    // order is the spec's; otherwise the network's dangling outputs.
    s.output_names.clear();
    const auto& out_specs = spec.model_outputs();
    const bool outputs_known =
        !out_specs.empty() && std::all_of(out_specs.begin(), out_specs.end(), [&](const TensorSpec& t) {
          return !t.name.empty() && s.net.getLayerId(t.name) >= 0;
        });
    if (outputs_known) {
      for (const TensorSpec& out : out_specs) s.output_names.push_back(out.name);
    } else {
      s.output_names = s.net.getUnconnectedOutLayersNames();
    }
  } catch (const cv::Exception& e) {
    throw BackendError("OpenCVRuntime: cannot set up '" + file + "': " + one_line(e));
  }
  s.outputs.clear();
  s.prepared = true;
}

void OpenCVRuntime::load_input(std::span<const TensorView> inputs) {
  State& s = *state_;
  if (!s.prepared) throw BackendError("OpenCVRuntime: load_input before prepare_model");
  s.has_input = s.has_output = false;
  check_inputs_against_spec(inputs, s.input_specs);
  if (inputs.size() != s.input_names.size()) {
    throw ConfigError("OpenCVRuntime: expected " + std::to_string(s.input_names.size()) + " inputs, got " +
                      std::to_string(inputs.size()));
  }

  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const TensorView& t = inputs[i];
    const std::string& name = s.input_specs[i].name;
    if (t.dtype() != DType::Float32) {
      throw NotSupported("OpenCVRuntime: input '" + name + "' is " + std::string(dtype_name(t.dtype())) +
                         "; only float32 is supported");
    }
    s.sizes.clear();
    for (std::int64_t d : t.shape()) {
      if (d > INT_MAX) {
        throw NotSupported("OpenCVRuntime: input '" + name + "' has a dimension of " + std::to_string(d) +
                           ", more than OpenCV can index");
      }
      s.sizes.push_back(static_cast<int>(d));
    }
    if (s.sizes.empty()) s.sizes.push_back(1);  // a scalar is a 1-element blob

    // A header over the caller's bytes: setInput copies them into the
    // network's own input blob, so nothing is kept past this call.
    const cv::Mat blob(static_cast<int>(s.sizes.size()), s.sizes.data(), CV_32F,
                       const_cast<std::byte*>(t.bytes().data()));
    try {
      s.net.setInput(blob, s.input_names[i]);
    } catch (const cv::Exception& e) {
      throw BackendError("OpenCVRuntime: cannot set input '" + name + "' of '" + s.model.string() +
                         "': " + one_line(e));
    }
  }
  s.has_input = true;
}

void OpenCVRuntime::run() {
  State& s = *state_;
  if (!s.has_input) throw BackendError("OpenCVRuntime: run before load_input");
  try {
    s.net.forward(s.outputs, s.output_names);
  } catch (const cv::Exception& e) {
    throw BackendError("OpenCVRuntime: inference on '" + s.model.string() + "' failed: " + one_line(e));
  }
  s.has_output = true;
}

std::vector<Tensor> OpenCVRuntime::extract_output() {
  State& s = *state_;
  if (!s.has_output) throw BackendError("OpenCVRuntime: extract_output before run");
  std::vector<Tensor> result;
  result.reserve(s.outputs.size());
  for (const cv::Mat& out : s.outputs) {
    if (out.empty()) {
      result.emplace_back(DType::Float32, Shape{0});
      continue;
    }
    cv::Mat values = out;
    if (values.depth() != CV_32F) out.convertTo(values, CV_32F);
    if (!values.isContinuous()) values = values.clone();
    Shape shape(values.size.p, values.size.p + values.dims);
    Tensor t(DType::Float32, std::move(shape));
    std::memcpy(t.bytes().data(), values.ptr(), t.nbytes());
    result.push_back(std::move(t));
  }
  return result;
}

}  // namespace kenning
