// ONNXFloat16Compressor's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "optimizers/onnx_fp16_compressor.h"

#include "optimizers/optimizer_common.h"

namespace kenning {

const ParamSchema<ONNXFloat16Compressor::Params>& ONNXFloat16Compressor::schema() {
  static const auto s =
      ParamSchema<Params>("ONNXFloat16Compressor", kDescription)
          .field("compiled_model_path", &Params::compiled_model_path, "Where the compressed ONNX model is written")
          .required()
          .field("location", &Params::location, kLocationHelp, kOptimizerLocationNames)
          .field("min_elements", &Params::min_elements,
                 "Only float32 initializers with at least this many values are stored as "
                 "float16 (scalars such as Clip bounds stay float32)")
          .at_least(1);
  return s;
}

}  // namespace kenning
