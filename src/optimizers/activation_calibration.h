// Activation ranges for post-training quantization: runs a float ONNX model
// in our executor over calibration samples and records, for each requested
// tensor, the range a quantizer should cover.
//  * min-max: the smallest and largest value seen;
//  * percentile: clips outliers: the range is cut to the p-th percentile of
//    |x| (from a histogram of |x| over all samples), never beyond min-max.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "kenning/optimizer.h"

namespace kenning {

struct TensorRange {
  float min = 0.0f;
  float max = 0.0f;
};

enum class RangeMethod { MinMax, Percentile };

struct CalibrationOptions {
  RangeMethod method = RangeMethod::MinMax;
  double percentile = 99.99;    // of |x|, for RangeMethod::Percentile
  std::size_t samples = 256;    // taken from the start of the calibration data
  std::size_t batch_size = 32;  // used unless the model fixes its batch size
};

// Ranges of `tensors` (graph inputs or float outputs of nodes of `model`).
// `model_file` names the model in messages. Throws ConfigError when the
// calibration data has fewer samples than asked or does not fit the model's
// inputs; BackendError/NotSupported when the executor cannot run the model.
std::map<std::string, TensorRange> calibrate_ranges(const onnx::ModelProto& model,
                                                    const std::filesystem::path& model_file,
                                                    const std::vector<std::string>& tensors,
                                                    const CalibrationData& data, const CalibrationOptions& options);

}  // namespace kenning
