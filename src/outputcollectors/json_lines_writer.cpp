#include "outputcollectors/json_lines_writer.h"

#include <nlohmann/json.hpp>

#include "outputcollectors/classification.h"
#include "kenning/core/detection.h"
#include "kenning/core/error.h"
#include "outputcollectors/partial_path.h"

namespace kenning {

JSONLinesWriter::JSONLinesWriter(const Params& params) : params_(params) { schema().check(params_); }

JSONLinesWriter::~JSONLinesWriter() { close(false); }

std::vector<TensorSpec> JSONLinesWriter::input_spec() const {
  TensorSpec predictions;
  predictions.name = "predictions";
  predictions.shape = {-1, -1};
  predictions.dtype = DType::Float32;
  return {predictions, detection_spec("detection_data", {})};
}

void JSONLinesWriter::prepare(const std::vector<TensorSpec>& connected) {
  if (connected.size() < 2 || (connected[0].name.empty() && connected[1].name.empty())) {
    throw ConfigError("JSONLinesWriter: connect at least one of its inputs 'predictions' or 'detection_data'");
  }
  class_names_ = connected[0].class_name;
  detection_names_ = connected[1].class_name;
  check_parent_folder(params_.output_path, "JSONLinesWriter output_path");
  partial_ = partial_path(params_.output_path);
  out_.open(partial_, std::ios::trunc);
  if (!out_) throw IoError("JSONLinesWriter: cannot write '" + partial_.string() + "'");
  frame_ = 0;
}

void JSONLinesWriter::process_output(std::span<const TensorView> inputs) {
  nlohmann::json line = {{"frame", frame_++}};
  if (!inputs[0].shape().empty()) {
    const TopClass top = top_class(inputs[0], class_names_);
    line["class_id"] = top.class_id;
    line["label"] = top.label;
    line["score"] = top.score;
    const auto scores = inputs[0].data<float>();
    line["scores"] = std::vector<float>(scores.begin(), scores.end());
  }
  if (!inputs[1].shape().empty()) {
    nlohmann::json detections = nlohmann::json::array();
    for (const Detection& d : detections_from_tensor(inputs[1], detection_names_)) {
      detections.push_back(
          {{"box", {d.x1, d.y1, d.x2, d.y2}}, {"class_id", d.class_id}, {"label", d.label}, {"score", d.score}});
    }
    line["detections"] = std::move(detections);
  }
  out_ << line.dump() << '\n';
  if (!out_) throw IoError("JSONLinesWriter: cannot write '" + partial_.string() + "'");
}

void JSONLinesWriter::close(bool completed) {
  if (!out_.is_open()) return;
  out_.close();
  std::error_code ec;
  if (completed && out_) {
    std::filesystem::rename(partial_, params_.output_path, ec);
    if (ec) throw IoError("JSONLinesWriter: cannot rename '" + partial_.string() + "': " + ec.message());
  } else {
    std::filesystem::remove(partial_, ec);
  }
}

}  // namespace kenning
