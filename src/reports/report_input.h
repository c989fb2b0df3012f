// The measurements files a report is made from, read and checked: each must
// be a JSON object written by `kenning test` or `kenning train`. Errors name
// the file and what is wrong; runs are named after their files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report_data.h"

namespace kenning {

struct ReportRun {
  std::string name;  // file stem, made unique ("fp32", "int8", "int8-2")
  std::filesystem::path file;
  nlohmann::json data;
  // What the report should say about the file's format: an older key read
  // under its current name, or a newer kenning whose extra keys are ignored.
  std::vector<std::string> notes;
  // The detection evaluation, derived once from the raw lists when the run
  // is read (detection_of); nullopt with the reason in detection_why.
  std::optional<DetectionSummary> detection;
  std::string detection_why;
};

// IoError for a missing or unreadable file or malformed JSON (with the
// parser's position), ConfigError for JSON that is not a measurements object
// (no target_inference_step, eval_confusion_matrix or training_epoch).
// Older files that keep inference times under `inferencetime` are read as
// target_inference_step; both cases are noted in the run's `notes`. A file
// with `__unoptimized__` measurements (--evaluate-unoptimized) gives two
// runs: "<name>-unoptimized" first, then "<name>".
std::vector<ReportRun> load_report_runs(const std::vector<std::filesystem::path>& files);

// The runs of measurements already in memory (a `kenning test report`
// chain), checked as load_report_runs checks a file; `file` names them in
// errors and in the report.
std::vector<ReportRun> report_runs_of(nlohmann::json data, const std::filesystem::path& file, const std::string& name);

// The report types the data supports: "performance" (timed inferences),
// "classification" (a confusion matrix), "detection" (eval_gtcount/<class>),
// "training" (epochs).
std::vector<std::string> deduce_report_types(const std::vector<ReportRun>& runs);

}  // namespace kenning
