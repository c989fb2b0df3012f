// ONNXImageClassifier's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "modelwrappers/onnx_image_classifier.h"

#include "modelwrappers/image_input_params.h"

namespace kenning {

const ParamSchema<ONNXImageClassifier::Params>& ONNXImageClassifier::schema() {
  static const auto s = [] {
    ParamSchema<Params> out("ONNXImageClassifier",
                            "Any ONNX image classifier: layout conversion, per-channel normalisation, "
                            "softmax, class names from a label file");
    declare_image_input(out, "ONNX model with one image input of rank 4 and a score output [n, classes]");
    out.field("class_names_path", &Params::class_names_path,
              "Label file, one class name per line (empty: the sidecar's names, else class_<i>)")
        .field("apply_softmax", &Params::apply_softmax,
               "Softmax over the output (false when the model already outputs probabilities)");
    return out;
  }();
  return s;
}

}  // namespace kenning
