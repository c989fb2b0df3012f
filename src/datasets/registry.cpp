// The dataset family's list of classes (explicit: see core/registry.h).
#include "fashion_mnist_dataset.h"
#include "kenning/registries.h"
#include "random_dataset.h"
#include "random_tensor_dataset.h"

namespace kenning {

void register_datasets(Registry<Dataset>& r) {
  r.add<FashionMNISTDataset>("fashion_mnist");
  r.add<MNISTDataset>("mnist");
  r.add<RandomizedClassificationDataset>("random");
  r.add<RandomTensorDataset>("random_tensors");
}

}  // namespace kenning
