// calibrate_ranges (activation_calibration.h), as the rest of kenning calls it:
// passes the call on to the libtorch module (torch_module.h). The
// implementation of the same name lives inside the module, which this unit is
// never linked into. One forwarder group per unit, so that a program linking
// an implementation statically (a test) never also pulls in its forwarder.
#include "modules/torch/torch_module.h"

namespace kenning {

std::map<std::string, TensorRange> calibrate_ranges(const onnx::ModelProto& model,
                                                    const std::filesystem::path& model_file,
                                                    const std::vector<std::string>& tensors,
                                                    const CalibrationData& data, const CalibrationOptions& options) {
  return torch_module::api("int8 calibration").calibrate_ranges(model, model_file, tensors, data, options);
}

}  // namespace kenning
