// ONNXInt8Quantizer's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "optimizers/onnx_int8_quantizer.h"

#include "optimizers/optimizer_common.h"

namespace kenning {

const ParamSchema<ONNXInt8Quantizer::Params>& ONNXInt8Quantizer::schema() {
  static const auto s =
      ParamSchema<Params>("ONNXInt8Quantizer", kDescription)
          .field("compiled_model_path", &Params::compiled_model_path, "Where the quantized ONNX model is written")
          .required()
          .field("location", &Params::location, kLocationHelp, kOptimizerLocationNames)
          .field("calibration_samples", &Params::calibration_samples,
                 "Samples of the dataset's calibration split the activation ranges are measured on")
          .at_least(1)
          .field("calibration_batch_size", &Params::calibration_batch_size,
                 "Samples per calibration run (a model with a fixed batch size uses that)")
          .at_least(1)
          .field("calibration_method", &Params::calibration_method,
                 "minmax: ranges cover every value seen; percentile: ranges cut to the given percentile of |x|",
                 kCalibrationMethodNames)
          .field("percentile", &Params::percentile, "Percentile of |x| kept by calibration_method percentile")
          .range(50.0, 100.0)
          .field("per_channel", &Params::per_channel,
                 "One weight scale per output channel (true) or one per weight tensor (false)")
          .field("activation_dtype", &Params::activation_dtype, "Integer type of the quantized activations",
                 kActivationTypeNames)
          .field("inference_input_type", &Params::inference_input_type,
                 "Type the model's inputs are given in: float32 (quantized inside the model) or the "
                 "activation_dtype (quantized by the caller with the sidecar's scale and zero_point)",
                 kInferenceTypeNames)
          .field("inference_output_type", &Params::inference_output_type,
                 "Type of the model's outputs: float32 or the activation_dtype (scale and zero_point in "
                 "the sidecar)",
                 kInferenceTypeNames)
          .field("optimize_graph", &Params::optimize_graph,
                 "Run ONNXGraphOptimizer's passes (BatchNormalization folding, ...) before quantizing");
  return s;
}

}  // namespace kenning
