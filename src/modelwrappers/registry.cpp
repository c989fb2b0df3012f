// The model wrapper family's class list (explicit: see core/registry.h).
// PyTorchFashionMNISTCNN is always listed: without libtorch it still gives
// its I/O spec and post-processing; training and export say what is missing.
#include "fashion_mnist_cnn.h"
#include "kenning/registries.h"

namespace kenning {

void register_model_wrappers(Registry<ModelWrapper>& r) {
  r.add<PyTorchFashionMNISTCNN>("fashion_mnist_cnn");
}

}  // namespace kenning
