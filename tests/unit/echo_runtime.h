// A stand-in Runtime for protocol tests, the protocol fuzzer and the
// protocol benchmark: checks inputs against the spec like a real runtime
// and returns the first input unchanged, so only the link is measured.
#pragma once

#include <cstring>

#include "kenning/core/io_spec.h"
#include "kenning/runtime.h"

namespace kenning::testing {

class EchoRuntime : public Runtime {
 public:
  std::vector<std::string> input_formats() const override { return {"onnx"}; }
  std::filesystem::path save_model_path() const override { return {}; }
  std::string framework() const override { return "echo"; }
  std::string framework_version() const override { return "1"; }
  void prepare_model(const std::filesystem::path&, const IOSpec& spec) override { specs_ = spec.model_inputs(); }
  void load_input(std::span<const TensorView> inputs) override {
    check_inputs_against_spec(inputs, specs_);
    input_ = Tensor(inputs[0].dtype(), inputs[0].shape());
    std::memcpy(input_.bytes().data(), inputs[0].bytes().data(), input_.nbytes());
  }
  void run() override { ++runs; }
  std::vector<Tensor> extract_output() override {
    std::vector<Tensor> out;
    out.push_back(input_.clone());
    return out;
  }

  std::size_t runs = 0;

 private:
  std::vector<TensorSpec> specs_;
  Tensor input_{DType::Float32, {0}};
};

}  // namespace kenning::testing
