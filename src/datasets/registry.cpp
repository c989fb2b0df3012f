// The dataset family's list of classes (explicit: see core/registry.h).
#include "datasets/detection_dataset.h"
#include "datasets/fashion_mnist_dataset.h"
#include "kenning/config.h"
#include "kenning/registries.h"
#include "datasets/random_dataset.h"
#include "datasets/random_tensor_dataset.h"

namespace kenning {

void register_datasets(Registry<Dataset>& r) {
  r.add<FashionMNISTDataset>("fashion_mnist");
  r.add<MNISTDataset>("mnist");
  r.add<RandomizedClassificationDataset>("random");
  r.add<RandomTensorDataset>("random_tensors");
#if KENNING_WITH_OPENCV
  r.add<COCODetectionDataset>("coco_detection");
  r.add<VOCDetectionDataset>("voc_detection");
#else
  r.add_unavailable<COCODetectionDataset>("coco_detection", "built without KENNING_WITH_OPENCV");
  r.add_unavailable<VOCDetectionDataset>("voc_detection", "built without KENNING_WITH_OPENCV");
#endif
}

}  // namespace kenning
