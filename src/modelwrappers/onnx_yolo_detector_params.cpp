// ONNXYOLODetector's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "modelwrappers/onnx_yolo_detector.h"

#include "modelwrappers/image_input_params.h"

namespace kenning {

const ParamSchema<ONNXYOLODetector::Params>& ONNXYOLODetector::schema() {
  static const auto s = [] {
    ParamSchema<Params> out("ONNXYOLODetector",
                            "ONNX YOLOv2/v3-style detector: grid decoding of raw maps, non-maximum suppression");
    declare_image_input(out, "ONNX model: one image input, one raw map per scale");
    out.field("anchors", &Params::anchors, "Anchor width, height pairs in input pixels, output after output")
        .required()
        .field("anchors_per_output", &Params::anchors_per_output, "Anchors of each output map")
        .range(1, 64)
        .field("class_names", &Params::class_names, "Names of the classes, in the maps' order")
        .required();
    declare_detection_limits(out, "Lowest objectness x class score kept");
    return out;
  }();
  return s;
}

}  // namespace kenning
