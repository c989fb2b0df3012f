#include "reports/report_input.h"

#include <fstream>
#include <array>
#include <cstdio>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

// (major, minor, patch) of "1.2.3"; nullopt for anything else.
std::optional<std::array<int, 3>> parse_version(const std::string& v) {
  std::array<int, 3> out{};
  if (std::sscanf(v.c_str(), "%d.%d.%d", &out[0], &out[1], &out[2]) != 3) return std::nullopt;
  return out;
}

void note_format(ReportRun& run) {
  nlohmann::json& d = run.data;
  if (!d.contains(keys::target_inference_step) && d.contains("inferencetime") && d["inferencetime"].is_array()) {
    d[keys::target_inference_step] = d["inferencetime"];
    if (d.contains("inferencetime_timestamp")) d["target_inference_step_timestamp"] = d["inferencetime_timestamp"];
    run.notes.push_back("older measurements format: inference times read from `inferencetime`");
  }
  if (d.contains(keys::kenning_version) && d[keys::kenning_version].is_string()) {
    const std::string theirs = d[keys::kenning_version].get<std::string>();
    const auto a = parse_version(theirs), b = parse_version(KENNING_VERSION);
    if (a && b && *a > *b) {
      run.notes.push_back(
          fmt::format("written by kenning {}, newer than this kenning ({}): keys this version does "
                      "not know are not shown",
                      theirs, KENNING_VERSION));
    }
  }
}

bool has_detection(const nlohmann::json& d) {
  for (const auto& [key, value] : d.items()) {
    if (key.rfind("eval_gtcount/", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<ReportRun> report_runs_of(nlohmann::json data, const std::filesystem::path& file, const std::string& name) {
  ReportRun run;
  run.file = file;
  run.name = name;
  run.data = std::move(data);
  if (!run.data.is_object()) throw ConfigError(file.string() + ": expected a JSON object of measurements");
  note_format(run);
  if (inference_steps_key(run.data).empty() && !run.data.contains(keys::eval_confusion_matrix) &&
      !run.data.contains(keys::training_epoch) && !has_detection(run.data)) {
    throw ConfigError(
        file.string() +
        ": no target_inference_step, protocol_inference_step, eval_confusion_matrix, eval_gtcount/<class> or "
        "training_epoch: "
        "not measurements written by `kenning test` or `kenning train`");
  }
  std::vector<ReportRun> runs;
  // `kenning optimize test --evaluate-unoptimized` nests the run of the
  // model before optimization; it is compared as a run of its own.
  if (run.data.contains(keys::unoptimized) && run.data[keys::unoptimized].is_object()) {
    ReportRun before;
    before.file = file;
    before.name = run.name + "-unoptimized";
    before.data = std::move(run.data[keys::unoptimized]);
    run.data.erase("__unoptimized__");
    before.notes.push_back("the model before optimization, from `__unoptimized__` of " + file.filename().string());
    note_format(before);
    runs.push_back(std::move(before));
  }
  runs.push_back(std::move(run));
  // Derived once here: the sections, the summary and the figures all use it.
  for (auto& r : runs) r.detection = detection_of(r.data, r.detection_why);
  return runs;
}

std::vector<ReportRun> load_report_runs(const std::vector<std::filesystem::path>& files) {
  if (files.empty()) throw ConfigError("--measurements: give at least one measurements JSON file");
  std::vector<ReportRun> runs;
  std::map<std::string, int> names;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) throw IoError(file.string() + ": cannot read measurements file (missing or unreadable)");
    nlohmann::json data;
    try {
      data = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw IoError(file.string() + ": not valid JSON: " + e.what());
    }
    const std::string stem = file.stem().string();
    const int seen = names[stem]++;
    for (auto& r : report_runs_of(std::move(data), file, seen == 0 ? stem : stem + "-" + std::to_string(seen + 1))) {
      runs.push_back(std::move(r));
    }
  }
  return runs;
}

std::vector<std::string> deduce_report_types(const std::vector<ReportRun>& runs) {
  bool performance = false, classification = false, detection = false, training = false;
  for (const auto& r : runs) {
    performance = performance || !inference_steps_key(r.data).empty();
    classification = classification || r.data.contains(keys::eval_confusion_matrix);
    detection = detection || has_detection(r.data);
    training = training || r.data.contains(keys::training_epoch);
  }
  std::vector<std::string> types;
  if (performance) types.push_back("performance");
  if (classification) types.push_back("classification");
  if (detection) types.push_back("detection");
  if (training) types.push_back("training");
  return types;
}

}  // namespace kenning
