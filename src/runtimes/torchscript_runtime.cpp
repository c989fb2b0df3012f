#include "runtimes/torchscript_runtime.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>
#include <utility>

#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/version.h>

#include "kenning/core/error.h"

namespace kenning {
namespace {

constexpr const char* kClass = "PyTorchRuntime";

struct DTypePair {
  DType kenning;
  c10::ScalarType torch;
};
constexpr DTypePair kDTypes[] = {
    {DType::Float32, c10::ScalarType::Float}, {DType::Float16, c10::ScalarType::Half},
    {DType::Int8, c10::ScalarType::Char},     {DType::UInt8, c10::ScalarType::Byte},
    {DType::Int32, c10::ScalarType::Int},     {DType::Int64, c10::ScalarType::Long},
};

c10::ScalarType to_torch(DType d) {
  for (const auto& p : kDTypes) {
    if (p.kenning == d) return p.torch;
  }
  throw NotSupported(std::string(kClass) + ": dtype " + std::string(dtype_name(d)) + " has no libtorch counterpart");
}

// False for torch dtypes a kenning::Tensor cannot hold (float64, bool, ...).
bool from_torch(c10::ScalarType t, DType& out) {
  for (const auto& p : kDTypes) {
    if (p.torch == t) {
      out = p.kenning;
      return true;
    }
  }
  return false;
}

// libtorch's messages span several lines; errors here are one line.
std::string one_line(const char* what) {
  std::string text = what;
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  const auto end = text.find_last_not_of(' ');
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}
std::string one_line(const c10::Error& e) { return one_line(e.what_without_backtrace()); }

// torch::jit::save writes a zip archive; anything else cannot be TorchScript,
// and saying so beats libtorch's "failed finding central directory".
bool looks_like_zip(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  return in.gcount() == 4 && std::memcmp(magic.data(), "PK\x03\x04", 4) == 0;
}

}  // namespace

struct PyTorchRuntime::State {
  torch::jit::Module module;
  std::filesystem::path model;
  std::vector<TensorSpec> input_specs;
  std::vector<c10::IValue> inputs;  // owned copies, valid until the next load_input
  std::vector<torch::Tensor> outputs;
  bool prepared = false;
  bool has_input = false;
  bool has_output = false;
};

PyTorchRuntime::PyTorchRuntime(const Params& params) : params_(params), state_(std::make_unique<State>()) {
  schema().check(params_);
}

PyTorchRuntime::~PyTorchRuntime() = default;

std::string PyTorchRuntime::framework_version() const { return TORCH_VERSION; }

void PyTorchRuntime::prepare_model(const std::filesystem::path& model, const IOSpec& spec) {
  State& s = *state_;
  s.prepared = s.has_input = s.has_output = false;
  s.model = model.empty() ? params_.save_model_path : model;
  const std::string file = s.model.string();
  if (s.model.empty()) throw IoError(std::string(kClass) + ": no model file given");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(s.model, ec)) {
    throw IoError(std::string(kClass) + ": model file '" + file + "' does not exist or is not a file");
  }
  if (!looks_like_zip(s.model)) {
    throw IoError(std::string(kClass) + ": '" + file +
                  "' is not a TorchScript archive (torch::jit::save writes a zip file)");
  }

  const std::int64_t threads = params_.num_threads == 0 ? 1
                               : params_.num_threads > 0
                                   ? params_.num_threads
                                   : std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  at::set_num_threads(static_cast<int>(threads));

  try {
    s.module = torch::jit::load(file, torch::kCPU);
  } catch (const c10::Error& e) {
    const std::string why = one_line(e);
    // The zip reader failing means a damaged file, not a model libtorch refuses.
    if (why.find("PytorchStreamReader") != std::string::npos) {
      throw IoError(std::string(kClass) + ": '" + file +
                    "' is not a readable TorchScript archive (truncated or corrupt?): " + why);
    }
    throw BackendError(std::string(kClass) + ": cannot load '" + file + "' as TorchScript: " + why);
  } catch (const std::exception& e) {
    throw BackendError(std::string(kClass) + ": cannot load '" + file + "' as TorchScript: " + one_line(e.what()));
  }
  s.module.eval();

  // A torch::save'd weights file is a valid archive without forward().
  if (!s.module.find_method("forward")) {
    throw BackendError(std::string(kClass) + ": '" + file +
                       "' has no forward() method (weights only, not a scripted model?)");
  }
  if (params_.optimize) {
    try {
      // optimize_for_inference only freezes modules that still have a
      // `training` attribute, which modules built in C++ may lack; without
      // freezing it changes nothing, so freeze explicitly.
      torch::jit::Module frozen = torch::jit::freeze(s.module);
      s.module = torch::jit::optimize_for_inference(frozen);
    } catch (const c10::Error& e) {
      throw BackendError(std::string(kClass) + ": cannot optimize '" + file +
                         "' for inference (set optimize=false to run it as saved): " + one_line(e));
    } catch (const std::exception& e) {
      throw BackendError(std::string(kClass) + ": cannot optimize '" + file +
                         "' for inference (set optimize=false to run it as saved): " + one_line(e.what()));
    }
  }
  const auto forward = s.module.find_method("forward");
  s.input_specs = spec.model_inputs();
  const std::size_t args = forward->function().getSchema().arguments().size() - 1;  // less self
  if (args != s.input_specs.size()) {
    throw ConfigError(std::string(kClass) + ": forward() of '" + file + "' takes " + std::to_string(args) +
                      " inputs, the I/O spec lists " + std::to_string(s.input_specs.size()));
  }
  for (const TensorSpec& in : s.input_specs) to_torch(in.dtype);  // NotSupported early
  s.inputs.clear();
  s.outputs.clear();
  s.prepared = true;
}

void PyTorchRuntime::load_input(std::span<const TensorView> inputs) {
  State& s = *state_;
  if (!s.prepared) throw BackendError(std::string(kClass) + ": load_input before prepare_model");
  s.has_input = s.has_output = false;
  try {
    check_inputs_against_spec(inputs, s.input_specs);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(kClass) + ": '" + s.model.string() + "': " + e.what());
  }
  s.inputs.clear();
  for (const TensorView& t : inputs) {
    // The view is only borrowed for this call, so the tensor gets its own copy.
    auto* data = const_cast<std::byte*>(t.bytes().data());
    s.inputs.emplace_back(torch::from_blob(data, t.shape(), to_torch(t.dtype())).clone());
  }
  s.has_input = true;
}

void PyTorchRuntime::run() {
  State& s = *state_;
  if (!s.has_input) throw BackendError(std::string(kClass) + ": run before load_input");
  const auto fail = [&](const std::string& why) {
    return BackendError(std::string(kClass) + ": inference on '" + s.model.string() + "' failed: " + why);
  };
  s.outputs.clear();
  c10::IValue result;
  try {
    c10::InferenceMode guard;
    result = s.module.forward(s.inputs);
  } catch (const c10::Error& e) {
    throw fail(one_line(e));
  } catch (const std::exception& e) {
    throw fail(one_line(e.what()));
  }
  if (result.isTensor()) {
    s.outputs.push_back(result.toTensor());
  } else if (result.isTuple() || result.isList()) {
    const auto items = result.isTuple() ? result.toTupleRef().elements().vec() : result.toListRef().vec();
    for (const c10::IValue& item : items) {
      if (!item.isTensor())
        throw fail("forward() returned a " + result.tagKind() + " holding a " + item.tagKind() + ", expected tensors");
      s.outputs.push_back(item.toTensor());
    }
  } else {
    throw fail("forward() returned a " + result.tagKind() + ", expected a tensor or a tuple/list of tensors");
  }
  s.has_output = true;
}

std::vector<Tensor> PyTorchRuntime::extract_output() {
  State& s = *state_;
  if (!s.has_output) throw BackendError(std::string(kClass) + ": extract_output before run");
  std::vector<Tensor> result;
  result.reserve(s.outputs.size());
  for (std::size_t i = 0; i < s.outputs.size(); ++i) {
    const torch::Tensor out = s.outputs[i].to(torch::kCPU).contiguous();
    DType dtype{};
    if (!from_torch(out.scalar_type(), dtype)) {
      throw NotSupported(std::string(kClass) + ": output " + std::to_string(i) + " of '" + s.model.string() + "' is " +
                         std::string(c10::toString(out.scalar_type())) + ", which kenning tensors cannot hold");
    }
    Tensor t(dtype, out.sizes().vec());
    std::memcpy(t.bytes().data(), out.data_ptr(), t.nbytes());
    result.push_back(std::move(t));
  }
  return result;
}

}  // namespace kenning
