// JSONLinesWriter: one JSON object per flow step in a text file:
//   {"frame": 0, "class_id": 1, "label": "Trouser", "score": 0.99, "scores": [...]}
// for class scores ("predictions") and/or
//   {"frame": 0, "detections": [{"box": [x1, y1, x2, y2], "class_id": 2, "label": "car", "score": 0.8}]}
// for detections ("detection_data"). Written as a .partial file and renamed
// when the flow completes; removed when it fails.
#pragma once

#include <filesystem>
#include <fstream>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/output_collector.h"

namespace kenning {

class JSONLinesWriter : public OutputCollector {
 public:
  struct Params {
    std::filesystem::path output_path;
  };
  static const ParamSchema<Params>& schema();
  explicit JSONLinesWriter(const Params& params);
  ~JSONLinesWriter() override;

  std::vector<TensorSpec> input_spec() const override;
  std::vector<std::string> optional_inputs() const override { return {"predictions", "detection_data"}; }
  // Throws ConfigError when neither input is connected.
  void prepare(const std::vector<TensorSpec>& connected) override;
  void process_output(std::span<const TensorView> inputs) override;
  void close(bool completed) override;

 private:
  Params params_;
  std::filesystem::path partial_;
  std::ofstream out_;
  std::vector<std::string> class_names_;
  std::vector<std::string> detection_names_;
  std::size_t frame_ = 0;
};

}  // namespace kenning
