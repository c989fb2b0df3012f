// ONNXSSDDetector's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "modelwrappers/onnx_ssd_detector.h"

#include "modelwrappers/image_input_params.h"

namespace kenning {

const ParamSchema<ONNXSSDDetector::Params>& ONNXSSDDetector::schema() {
  static const auto s = [] {
    ParamSchema<Params> out("ONNXSSDDetector",
                            "ONNX anchor-based (SSD-style) detector, e.g. BlazeFace: anchor generation, box "
                            "decoding, non-maximum suppression");
    declare_image_input(out, "ONNX model: one image input, score and box outputs");
    out.field("strides", &Params::strides, "Stride in input pixels of each feature layer with anchors")
        .field("anchors_per_cell", &Params::anchors_per_cell, "Anchors per cell of each feature layer")
        .field("class_names", &Params::class_names, "Names of the score output's classes");
    declare_detection_limits(out, "Lowest score (after sigmoid) kept");
    return out;
  }();
  return s;
}

}  // namespace kenning
