// The terminal's view of a run's measurements, and the before/after
// comparison of `--evaluate-unoptimized`.
#include "scenarios/measurement_summary.h"
#include "kenning/measurement/keys.h"

#include <fmt/format.h>

namespace kenning {

std::string summarize_measurements(const Measurements& m) {
  std::string s;
  const auto& d = m.data();
  if (d.contains(keys::accuracy)) {
    s += fmt::format("accuracy:        {:.4f} ({} samples)\n", d[keys::accuracy].get<double>(),
                     d.value(keys::total, std::int64_t{0}));
    s += fmt::format("top-5 accuracy:  {:.4f}\n", d[keys::top_5_accuracy].get<double>());
    s += fmt::format("mean precision:  {:.4f}   mean sensitivity: {:.4f}   G-mean: {:.4f}\n",
                     d[keys::mean_precision].get<double>(), d[keys::mean_sensitivity].get<double>(),
                     d[keys::g_mean].get<double>());
  }
  if (d.contains(keys::eval_map_50)) {
    s += fmt::format("mAP@0.5:         {:.4f}   mAP@0.5:0.95: {:.4f}\n", d[keys::eval_map_50].get<double>(),
                     d[keys::eval_map_50_95].get<double>());
  }
  if (d.value(keys::evaluation, std::string()) == "none") {
    s += fmt::format("evaluation:      none ({})\n", d.value(keys::evaluation_skipped_reason, std::string()));
  }
  if (d.contains(keys::inferencetime_mean)) {
    s += fmt::format(
        "inference time:  mean {:.4f} ms, median {:.4f} ms, std {:.4f} ms, min {:.4f} ms, max {:.4f} ms"
        " ({} batches)\n",
        d[keys::inferencetime_mean].get<double>() * 1e3, d[keys::inferencetime_median].get<double>() * 1e3,
        d[keys::inferencetime_std].get<double>() * 1e3, d[keys::inferencetime_min].get<double>() * 1e3,
        d[keys::inferencetime_max].get<double>() * 1e3, d[keys::target_inference_step].size());
  }
  if (d.contains(keys::inference_statistics)) {
    const auto& st = d[keys::inference_statistics];
    std::string pct;
    for (const auto& [key, value] : st["percentiles"].items()) {
      pct += value.is_null() ? fmt::format("{} n/a  ", key)
                             : fmt::format("{} {:.4f} ms  ", key, value.get<double>() * 1e3);
    }
    s += fmt::format("percentiles:     {}(first inference {:.4f} ms)\n", pct,
                     st["first_inference_time"].get<double>() * 1e3);
    if (d.contains(keys::throughput_inference_only)) {
      s += fmt::format("throughput:      {:.0f} samples/s inference only, {:.0f} samples/s whole session\n",
                       d[keys::throughput_inference_only].get<double>(), d.value(keys::throughput_session, 0.0));
    }
    if (d.contains(keys::achieved_gflops)) {
      s += fmt::format("compute:         {:.1f} MFLOP per sample, {:.1f} GFLOP/s achieved",
                       d[keys::flops_per_sample].get<double>() * 1e-6, d[keys::achieved_gflops].get<double>());
      if (d.contains(keys::fraction_of_single_core_peak)) {
        s += fmt::format(" ({:.0f} % of one core's peak, {:.0f} GFLOP/s {})",
                         d[keys::fraction_of_single_core_peak].get<double>() * 100,
                         d[keys::host]["peak_gflops_single_core"].get<double>(),
                         d[keys::host]["peak_probe_isa"].get<std::string>());
      }
      s += "\n";
    }
    const auto& verdict = st["verdict"];
    std::string reasons;
    for (const auto& r : verdict["reasons"]) reasons += "; " + r.get<std::string>();
    s += fmt::format("verdict:         {}{}\n", verdict["result"].get<std::string>(), reasons);
    for (const auto& w : st["warnings"]) s += fmt::format("warning:         {}\n", w.get<std::string>());
  }
  if (d.contains(keys::protocol_overhead_median)) {
    s += fmt::format("protocol:        median {:.1f} us per PROCESS round trip over the target's own time\n",
                     d[keys::protocol_overhead_median].get<double>() * 1e6);
  }
  if (d.contains(keys::target_benchmark_statistics) && d[keys::target_benchmark_statistics].contains("steady_state")) {
    const auto& b = d[keys::target_benchmark_statistics];
    const auto& info = d.value(keys::target_benchmark, nlohmann::json::object());
    std::string pct;
    for (const auto& [key, value] : b["percentiles"].items()) {
      if (!value.is_null()) pct += fmt::format(", {} {:.4f} ms", key, value.get<double>() * 1e3);
    }
    s += fmt::format("target bench:    {} runs after {} warm-ups: median {:.4f} ms{} ({}){}\n", info.value("runs", 0),
                     info.value("warmup", 0), b["steady_state"]["median"].get<double>() * 1e3, pct,
                     b["verdict"]["result"].get<std::string>(),
                     info.value("truncated", false) ? ", stopped early: the client's timeout" : "");
  }
  if (d.contains(keys::loadgen_result) && d.contains(keys::test_mode_parameters)) {
    // One line per run in LoadGen's terms: the headline, the load and the verdict.
    const auto& r = d[keys::loadgen_result];
    const auto& t = d[keys::test_mode_parameters];
    const std::string value = r["value"].is_null() ? std::string("n/a (too few samples)")
                              : r["metric"] == "p90_latency_s"
                                  ? fmt::format("p90 latency {:.4f} ms", r["value"].get<double>() * 1e3)
                                  : fmt::format("{:.0f} samples/s", r["value"].get<double>());
    s += fmt::format(
        "{:<17}{}, {} samples in {} queries of {}, {:.3f} s of inference (minimums {:.3f} s, {}; "
        "seed {}): {}\n",
        d[keys::test_mode].get<std::string>() + ":", value, t["samples_issued"].get<std::size_t>(),
        t["queries_issued"].get<std::size_t>(), t["query_size"].get<std::size_t>(), t["duration_s"].get<double>(),
        t["min_duration_s"].get<double>(), t["min_query_count"].get<std::size_t>(), t["seed"].get<std::uint64_t>(),
        r["verdict"].get<std::string>());
  }
  if (d.contains(keys::compiled_model_size)) {
    s += fmt::format("model:           {} ({} bytes)\n", d.value(keys::compiled_model_path, std::string()),
                     d[keys::compiled_model_size].get<std::uint64_t>());
  }
  return s;
}

nlohmann::json compare_measurements(const Measurements& before, const Measurements& after) {
  const auto& b = before.data();
  const auto& a = after.data();
  nlohmann::json c = nlohmann::json::object();
  auto both = [&](MeasurementKey key) { return b.contains(key) && a.contains(key) && b[key].get<double>() != 0; };
  if (both(keys::compiled_model_size)) {
    c["model_size_ratio"] = a[keys::compiled_model_size].get<double>() / b[keys::compiled_model_size].get<double>();
  }
  if (both(keys::inferencetime_median)) {
    c["inference_time_ratio"] =
        a[keys::inferencetime_median].get<double>() / b[keys::inferencetime_median].get<double>();
  }
  if (b.contains(keys::accuracy) && a.contains(keys::accuracy)) {
    c["accuracy_change"] = a[keys::accuracy].get<double>() - b[keys::accuracy].get<double>();
  }
  return c;
}

std::string summarize_comparison(const Measurements& before, const Measurements& after) {
  const auto& b = before.data();
  const auto& a = after.data();
  const nlohmann::json c = compare_measurements(before, after);
  std::string s = fmt::format("{:<16} {:<40} {}\n", "", "before optimization", "after optimization");
  if (c.contains("model_size_ratio")) {
    s += fmt::format("{:<16} {:<40} {}\n", "model size",
                     fmt::format("{:.0f} bytes", b[keys::compiled_model_size].get<double>()),
                     fmt::format("{:.0f} bytes ({:.2f}x)", a[keys::compiled_model_size].get<double>(),
                                 c["model_size_ratio"].get<double>()));
  }
  if (c.contains("accuracy_change")) {
    s += fmt::format("{:<16} {:<40} {}\n", "accuracy", fmt::format("{:.4f}", b[keys::accuracy].get<double>()),
                     fmt::format("{:.4f} ({:+.2f} points)", a[keys::accuracy].get<double>(),
                                 c["accuracy_change"].get<double>() * 100));
  }
  if (c.contains("inference_time_ratio")) {
    s += fmt::format("{:<16} {:<40} {}\n", "median time",
                     fmt::format("{:.4f} ms", b[keys::inferencetime_median].get<double>() * 1e3),
                     fmt::format("{:.4f} ms ({:.2f}x)", a[keys::inferencetime_median].get<double>() * 1e3,
                                 c["inference_time_ratio"].get<double>()));
  }
  return s;
}

}  // namespace kenning
