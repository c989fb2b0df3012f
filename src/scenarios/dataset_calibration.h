// The calibration data a pipeline hands its optimizers: the dataset's
// calibration split, preprocessed by the model wrapper as for inference.
#pragma once

#include "kenning/dataset.h"
#include "kenning/model_wrapper.h"
#include "kenning/optimizer.h"

namespace kenning {

class DatasetCalibration : public CalibrationData {
 public:
  // Both must outlive this object; the dataset must be prepared.
  DatasetCalibration(const Dataset& dataset, const ModelWrapper& wrapper) : dataset_(dataset), wrapper_(wrapper) {}

  std::size_t size() const override { return dataset_.size(Split::Calibration); }
  std::vector<Tensor> inputs(std::size_t begin, std::size_t count) const override {
    return wrapper_.preprocess(dataset_.batch(Split::Calibration, begin, count));
  }
  std::string describe() const override { return dataset_.type_name() + ", calibration split"; }
  const Dataset* dataset() const override { return &dataset_; }

 private:
  const Dataset& dataset_;
  const ModelWrapper& wrapper_;
};

}  // namespace kenning
