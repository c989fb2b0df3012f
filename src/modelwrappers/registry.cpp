// The model wrapper family's class list (explicit: see core/registry.h).
// PyTorchFashionMNISTCNN, PyTorchMobileNetV2 and PyTorchResNet are always
// listed: without libtorch they still give their I/O spec and
// post-processing; training, export and weight creation say what is missing.
#include "modelwrappers/fashion_mnist_cnn.h"
#include "modelwrappers/mobilenet_v2.h"
#include "modelwrappers/resnet.h"
#include "kenning/config.h"
#include "kenning/registries.h"
#include "modelwrappers/onnx_image_classifier.h"
#include "modelwrappers/onnx_model.h"
#include "modelwrappers/onnx_ssd_detector.h"
#include "modelwrappers/onnx_yolo_detector.h"

namespace kenning {

void register_model_wrappers(Registry<ModelWrapper>& r) {
  r.add<PyTorchFashionMNISTCNN>("fashion_mnist_cnn");
  // Like the CNN, listed without libtorch too: they then work on existing
  // files only (creating weights says what is missing).
  r.add<PyTorchMobileNetV2>("mobilenet_v2");
  r.add<PyTorchResNet>("resnet");
#if KENNING_WITH_ONNX
  r.add<ONNXModel>("onnx_model");
  r.add<ONNXImageClassifier>("onnx_image_classifier");
  r.add<ONNXSSDDetector>("onnx_ssd_detector");
  r.add<ONNXYOLODetector>("onnx_yolo_detector");
#else
  r.add_unavailable<ONNXModel>("onnx_model", "built without KENNING_WITH_ONNX");
  r.add_unavailable<ONNXImageClassifier>("onnx_image_classifier", "built without KENNING_WITH_ONNX");
  r.add_unavailable<ONNXSSDDetector>("onnx_ssd_detector", "built without KENNING_WITH_ONNX");
  r.add_unavailable<ONNXYOLODetector>("onnx_yolo_detector", "built without KENNING_WITH_ONNX");
#endif
}

}  // namespace kenning
