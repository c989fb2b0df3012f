#include "reports/markdown_report.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "kenning/measurement/latency_stats.h"
#include "kenning/measurement/metrics.h"
#include "reports/report_data.h"
#include "kenning/measurement/command_lines.h"
#include "kenning/measurement/keys.h"

namespace kenning {
namespace {

using nlohmann::json;

// The figures of a section, as Markdown images.
void figures_of(const FigureIndex& figures, const std::string& key, std::string& out) {
  const auto it = figures.find(key);
  if (it == figures.end()) return;
  for (const auto& f : it->second) out += fmt::format("![{}]({})\n\n", f.caption, f.link);
}

std::string fmt_opt(const std::optional<double>& v, const char* format, double scale = 1.0) {
  return v ? fmt::format(fmt::runtime(format), *v * scale) : std::string("–");
}

std::string cell(const json& v, const char* format = "{:.4f}") {
  return v.is_number() ? fmt::format(fmt::runtime(format), v.get<double>()) : std::string("n/a");
}

// first, then mean/median/std/min/max/p90/p99 of the samples after it, for
// every time series of the run.
void series_table(const ReportRun& r, std::string& out) {
  const auto series = time_series_of(r.data);
  if (series.empty()) return;
  out +=
      "Each series: its first (cold) sample, then statistics of the samples after it.\n\n"
      "| series | samples | first | mean | median | std | min | max | p90 | p99 |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : series) {
    const json st = series_summary(s.values);
    out += fmt::format("| {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", s.label, s.unit,
                       st["count"].get<std::size_t>(), cell(st["first"]), cell(st["mean"]), cell(st["median"]),
                       cell(st["std"]), cell(st["min"]), cell(st["max"]), cell(st["p90"]), cell(st["p99"]));
  }
  out += "\n";
}

std::string block_type(const json& d, const char* block) {
  if (d.contains(keys::build_cfg) && d[keys::build_cfg].is_object() && d[keys::build_cfg].contains(block) &&
      d[keys::build_cfg][block].is_object() && d[keys::build_cfg][block].contains("type") &&
      d[keys::build_cfg][block]["type"].is_string()) {
    return d[keys::build_cfg][block]["type"].get<std::string>();
  }
  return "–";
}

std::string model_of(const json& d) {
  return d.contains(keys::compiled_model_path) && d[keys::compiled_model_path].is_string()
             ? fmt::format("`{}`", d[keys::compiled_model_path].get<std::string>())
             : "–";
}

void performance_section(const ReportRun& r, const std::string& key, const FigureIndex& figures, std::string& out) {
  out += fmt::format("### {}\n\n", r.name);
  std::string why;
  const auto st = stats_of(r.data, why);
  if (!st) {
    out += fmt::format("_{}._\n\n", why);
    return;
  }
  if (inference_steps_key(r.data) == keys::protocol_inference_step) {
    out +=
        "Inference time from `protocol_inference_step`: the host's round trip per inference (the target did "
        "not time its runs), so it includes the link.\n\n";
  }
  const json& s = (*st)["steady_state"];
  out += "| inferences | first (ms) | mean (ms) | median (ms) | std (ms) | min (ms) | max (ms) | CV |";
  for (const auto& [k, v] : (*st)["percentiles"].items()) out += fmt::format(" {} (ms) |", k);
  out += "\n|";
  for (std::size_t i = 0; i < 8 + (*st)["percentiles"].size(); ++i) out += "---|";
  out += fmt::format("\n| {} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.1f} % |",
                     s["count"].get<std::size_t>() + 1, (*st)["first_inference_time"].get<double>() * 1e3,
                     s["mean"].get<double>() * 1e3, s["median"].get<double>() * 1e3, s["std"].get<double>() * 1e3,
                     s["min"].get<double>() * 1e3, s["max"].get<double>() * 1e3, s["cv"].get<double>() * 100);
  for (const auto& [k, v] : (*st)["percentiles"].items()) {
    out += v.is_null() ? std::string(" n/a |") : fmt::format(" {:.4f} |", v.get<double>() * 1e3);
  }
  out += "\n\n";
  const json& verdict = (*st)["verdict"];
  out += fmt::format("Verdict: **{}**", verdict["result"].get<std::string>());
  for (const auto& reason : verdict["reasons"]) out += "; " + reason.get<std::string>();
  out += "\n";
  for (const auto& w : (*st)["warnings"]) out += "\n> " + w.get<std::string>() + "\n";
  for (const auto& p : (*st)["percentiles_insufficient"]) out += "\n- " + p.get<std::string>();
  out += "\n\n";
  out += fmt::format("Throughput {} samples/s (inference only), {} samples/s (whole session).\n\n",
                     fmt_opt(number_of(r.data, "throughput_inference_only"), "{:.0f}"),
                     fmt_opt(number_of(r.data, "throughput_session"), "{:.0f}"));
  series_table(r, out);
  figures_of(figures, key, out);
}

void classification_section(const ReportRun& r, const std::string& key, const FigureIndex& figures, std::string& out) {
  out += fmt::format("### {}\n\n", r.name);
  std::string why;
  const auto m = matrix_of(r.data, why);
  if (!m) {
    out += fmt::format("_{}._\n\n", why);
    return;
  }
  const auto metrics = compute_classification_metrics(*m, r.data.value(keys::top_5_count, std::int64_t{0}));
  const auto names = class_names_of(r.data, m->size());
  out += "| accuracy | top-5 accuracy | mean precision | mean sensitivity | G-mean |\n|---|---|---|---|---|\n";
  out += fmt::format("| {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} |\n\n", metrics.accuracy, metrics.top_5_accuracy,
                     metrics.mean_precision, metrics.mean_sensitivity, metrics.g_mean);
  out += "| class | precision | sensitivity |\n|---|---|---|\n";
  for (std::size_t c = 0; c < names.size(); ++c) {
    out += fmt::format("| {} | {:.4f} | {:.4f} |\n", names[c], metrics.precision[c], metrics.sensitivity[c]);
  }
  out += "\nConfusion matrix (rows: actual, columns: predicted):\n\n| |";
  for (const auto& n : names) out += " " + n + " |";
  out += "\n|---|";
  for (std::size_t i = 0; i < names.size(); ++i) out += "---|";
  out += "\n";
  for (std::size_t a = 0; a < names.size(); ++a) {
    out += "| **" + names[a] + "** |";
    for (auto v : (*m)[a]) out += fmt::format(" {} |", v);
    out += "\n";
  }
  out += "\n";
  figures_of(figures, key, out);
}

void detection_section(const ReportRun& r, const std::string& key, const FigureIndex& figures, std::string& out) {
  out += fmt::format("### {}\n\n", r.name);
  const auto& d = r.detection;
  if (!d) {
    out += fmt::format("_{}._\n\n", r.detection_why);
    return;
  }
  std::size_t boxes = 0, predictions = 0, tp = 0;
  for (const auto& c : d->classes) boxes += c.ground_truth, predictions += c.predictions, tp += c.true_positives;
  out +=
      "| mAP@0.5 | mAP@0.5:0.95 | ground-truth boxes | predictions | true positives at 0.5 | skipped images |\n"
      "|---|---|---|---|---|---|\n";
  out += fmt::format("| {:.4f} | {:.4f} | {} | {} | {} | {} |\n\n", d->map50, d->map50_95, boxes, predictions, tp,
                     d->skipped_images ? std::to_string(*d->skipped_images) : std::string("–"));
  out +=
      "| class | ground-truth boxes | predictions | true positives at 0.5 | precision at 0.5 | recall at 0.5 | "
      "AP@0.5 | AP@0.5:0.95 |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : d->classes) {
    const std::string precision =
        c.predictions ? fmt::format("{:.4f}", double(c.true_positives) / double(c.predictions)) : "–";
    const std::string recall =
        c.ground_truth ? fmt::format("{:.4f}", double(c.true_positives) / double(c.ground_truth)) : "–";
    // A class without ground truth has no AP: COCO leaves it out of the mean.
    const bool scored = c.ground_truth > 0;
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", c.name, c.ground_truth, c.predictions,
                       c.true_positives, precision, recall, scored ? fmt::format("{:.4f}", c.ap50) : "–",
                       scored ? fmt::format("{:.4f}", c.ap50_95) : "–");
  }
  out += "\nmAP at each IoU threshold:\n\n|";
  for (double t : d->thresholds) out += fmt::format(" {:.2f} |", t);
  out += "\n|";
  for (std::size_t i = 0; i < d->thresholds.size(); ++i) out += "---|";
  out += "\n|";
  for (double m : d->map_per_threshold) out += fmt::format(" {:.4f} |", m);
  out += "\n\n";
  figures_of(figures, key, out);
}

void training_section(const ReportRun& r, const std::string& key, const FigureIndex& figures, std::string& out) {
  out += fmt::format("### {}\n\n", r.name);
  const json& d = r.data;
  if (!d.contains(keys::training_epoch) || !d[keys::training_epoch].is_array()) {
    out += "_no training epochs in this run._\n\n";
    return;
  }
  out += "| epoch | train loss | train accuracy | val loss | val accuracy | time (s) |\n|---|---|---|---|---|---|\n";
  auto at = [&](std::string_view key, std::size_t i) -> std::optional<double> {
    if (!d.contains(key) || !d[key].is_array() || i >= d[key].size() || !d[key][i].is_number()) return std::nullopt;
    return d[key][i].get<double>();
  };
  for (std::size_t i = 0; i < d[keys::training_epoch].size(); ++i) {
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} |\n", fmt_opt(at(keys::training_epoch, i), "{:.0f}"),
        fmt_opt(at(keys::training_train_loss, i), "{:.4f}"), fmt_opt(at(keys::training_train_accuracy, i), "{:.4f}"),
        fmt_opt(at(keys::training_val_loss, i), "{:.4f}"), fmt_opt(at(keys::training_val_accuracy, i), "{:.4f}"),
        fmt_opt(at(keys::training_epoch_time, i), "{:.1f}"));
  }
  out += "\n";
  figures_of(figures, key, out);
}

// Runs whose class lists differ cannot be compared on per-class numbers.
std::string class_list_note(const std::vector<ReportRun>& runs) {
  const ReportRun* first = nullptr;
  std::string note;
  for (const auto& r : runs) {
    if (!r.data.contains(keys::class_names)) continue;
    if (!first) {
      first = &r;
    } else if (r.data[keys::class_names] != first->data[keys::class_names]) {
      note += fmt::format(
          "> **Partial comparison:** runs {} and {} have different class lists; their "
          "classification numbers are shown per run but not comparable.\n\n",
          first->name, r.name);
    }
  }
  return note;
}

}  // namespace

json report_summary(const std::vector<ReportRun>& runs) {
  json out = json::array();
  for (const auto& r : runs) {
    json e = {{"name", r.name}, {"file", r.file.string()}};
    std::string why;
    const auto m = matrix_of(r.data, why);
    e["accuracy"] = m ? json(compute_classification_metrics(*m, 0).accuracy) : json(nullptr);
    e["map_50"] = r.detection ? json(r.detection->map50) : json(nullptr);
    e["map_50_95"] = r.detection ? json(r.detection->map50_95) : json(nullptr);
    const auto st = stats_of(r.data, why);
    e["latency_median_s"] = st ? (*st)["steady_state"]["median"] : json(nullptr);
    e["latency_p99_s"] = st ? (*st)["percentiles"]["p99"] : json(nullptr);
    e["verdict"] = st ? (*st)["verdict"]["result"] : json(nullptr);
    const auto thr = number_of(r.data, "throughput_inference_only");
    e["throughput_samples_per_s"] = thr ? json(*thr) : json(nullptr);
    const auto size = number_of(r.data, "compiled_model_size");
    e["model_size_bytes"] = size ? json(*size) : json(nullptr);
    out.push_back(e);
  }
  return out;
}

std::string render_markdown_report(const std::vector<ReportRun>& runs, const std::vector<std::string>& types,
                                   const FigureIndex& figures) {
  std::string out = "# Kenning report\n\n";
  for (const auto& r : runs) {
    out += fmt::format("- **{}**: `{}`", r.name, r.file.string());
    // A string (older kenning-cpp files) or upstream's list of display lines.
    const std::string command = r.data.contains(keys::command) ? command_text_of(r.data[keys::command]) : "";
    if (!command.empty()) out += fmt::format(" (`{}`)", command);
    out += "\n";
    for (const auto& note : r.notes) out += fmt::format("  - _{}_\n", note);
  }
  const json summary = report_summary(runs);
  // Detection columns only when a run evaluated detection.
  const bool detection =
      std::any_of(summary.begin(), summary.end(), [](const json& s) { return !s["map_50"].is_null(); });
  out += fmt::format(
      "\n## Summary\n\n| run | model | runtime | accuracy |{} median (ms) | p99 (ms) | "
      "throughput (samples/s) | model size (bytes) | verdict |\n|---|---|---|---|{}---|---|---|---|---|\n",
      detection ? " mAP@0.5 | mAP@0.5:0.95 |" : "", detection ? "---|---|" : "");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const json& s = summary[i];
    auto num = [&](std::string_view key, const char* format, double scale) {
      return s[key].is_null() ? std::string("–") : fmt::format(fmt::runtime(format), s[key].get<double>() * scale);
    };
    const std::string map =
        detection ? fmt::format(" {} | {} |", num("map_50", "{:.4f}", 1), num("map_50_95", "{:.4f}", 1)) : "";
    out += fmt::format("| {} | {} | {} | {} |{} {} | {} | {} | {} | {} |\n", runs[i].name, model_of(runs[i].data),
                       block_type(runs[i].data, "runtime"), num("accuracy", "{:.4f}", 1), map,
                       num("latency_median_s", "{:.4f}", 1e3), num("latency_p99_s", "{:.4f}", 1e3),
                       num("throughput_samples_per_s", "{:.0f}", 1), num("model_size_bytes", "{:.0f}", 1),
                       s["verdict"].is_null() ? "–" : s["verdict"].get<std::string>());
  }
  out += "\n";
  if (figures.count("comparison")) {
    out += "## Comparison\n\n";
    figures_of(figures, "comparison", out);
  }
  for (const auto& type : types) {
    if (type == "performance") {
      out += "## Performance\n\n";
      for (std::size_t i = 0; i < runs.size(); ++i) {
        performance_section(runs[i], fmt::format("performance:{}", i), figures, out);
      }
    } else if (type == "classification") {
      out += "## Classification\n\n" + class_list_note(runs);
      for (std::size_t i = 0; i < runs.size(); ++i) {
        classification_section(runs[i], fmt::format("classification:{}", i), figures, out);
      }
    } else if (type == "detection") {
      out += "## Detection\n\n";
      for (std::size_t i = 0; i < runs.size(); ++i) {
        detection_section(runs[i], fmt::format("detection:{}", i), figures, out);
      }
    } else if (type == "training") {
      out += "## Training\n\n";
      for (std::size_t i = 0; i < runs.size(); ++i) {
        training_section(runs[i], fmt::format("training:{}", i), figures, out);
      }
    }
  }
  return out;
}

}  // namespace kenning
