#include "scenarios/inference_tester.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "measurement/host_info.h"
#include "kenning/core/progress_bar.h"
#include "kenning/core/quantization.h"
#include "measurement/resource_sampler.h"
#include "kenning/config.h"
#include "kenning/registries.h"
#include "scenarios/dataset_calibration.h"
#if KENNING_WITH_ONNX
#include "onnx/onnx_flops.h"
#endif
#include "scenarios/remote_inference.h"

namespace kenning {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<TensorView> views_of(const std::vector<Tensor>& tensors) {
  std::vector<TensorView> views;
  views.reserve(tensors.size());
  for (const auto& t : tensors) views.push_back(t.view());
  return views;
}

// Same number of classes on both sides, or accuracy would be meaningless.
void check_class_count(const Pipeline& p, const IOSpec& spec) {
  const auto names = p.dataset->class_names();
  if (names.empty() || spec.output.empty()) return;
  const auto& out = spec.output.front();
  if (!out.class_name.empty() && out.class_name.size() != names.size()) {
    throw ConfigError("model wrapper " + p.model_wrapper->type_name() + " predicts " +
                      std::to_string(out.class_name.size()) + " classes, dataset " +
                      p.dataset->type_name() + " has " + std::to_string(names.size()));
  }
}

// FLOPs of one sample of an ONNX model (2 per multiply-add, from its
// shapes); compute_derived turns them into achieved GFLOP/s and a fraction
// of this machine's single-core peak. Models in other formats, or whose
// shapes cannot be inferred, are timed without it.
void record_model_flops(const std::filesystem::path& model, Measurements& m) {
#if KENNING_WITH_ONNX
  if (model_format_from_path(model) != "onnx") return;
  try {
    const GraphFlops flops = count_onnx_flops(model, 1);
    if (flops.total > 0 && flops.nodes_without_shapes == 0) m.set("flops_per_sample", flops.total);
  } catch (const Error& e) {
    spdlog::debug("no FLOP count for {}: {}", model.string(), e.what());
  }
#else
  (void)model;
  (void)m;
#endif
}

// LoadGen's headline: single-stream the p90 latency, offline samples per
// second of inference, each with the verdict under the mode's minimums.
void record_loadgen_result(TestMode mode, Measurements& m) {
  const auto& d = m.data();
  const auto& stats = d["inference_statistics"];
  nlohmann::json result = {{"verdict", stats["verdict"]["result"]}};
  if (mode == TestMode::SingleStream) {
    result["metric"] = "p90_latency_s";
    result["value"] = stats.contains("percentiles") ? stats["percentiles"]["p90"] : nlohmann::json();
  } else {
    result["metric"] = "samples_per_second";
    result["value"] = d.contains("throughput_inference_only") ? d["throughput_inference_only"] : nlohmann::json();
  }
  m.set("loadgen_result", std::move(result));
}

}  // namespace

void check_output_path(const std::filesystem::path& path, const std::string& what) {
  namespace fs = std::filesystem;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw IoError(what + " " + path.string() + ": folder '" + folder.string() + "' does not exist");
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw IoError(what + " " + path.string() + ": folder '" + folder.string() + "' is not writable");
  }
  if (fs::is_directory(path, ec)) throw IoError(what + " " + path.string() + ": is a folder, expected a file path");
}

std::filesystem::path optimize_model(Pipeline& p, nlohmann::json* target_reports) {
  std::filesystem::path model = p.model_wrapper->model_path();
  IOSpec spec = p.model_wrapper->io_spec();
  const DatasetCalibration calibration(*p.dataset, *p.model_wrapper);
  // Target-side optimizers are the chain's tail: the model comes back once.
  std::size_t first_target = p.optimizers.size();
  for (std::size_t i = 0; i < p.optimizers.size(); ++i) {
    const bool on_target = p.optimizers[i]->location() == OptimizerLocation::Target;
    if (on_target && first_target == p.optimizers.size()) first_target = i;
    if (!on_target && first_target < i) {
      throw ConfigError("optimizers[" + std::to_string(i) + "] (" + p.optimizers[i]->type_name() +
                        "): runs on the host after optimizers[" + std::to_string(first_target) +
                        "] runs on the target; target-side optimizers must end the chain");
    }
  }
  if (first_target < p.optimizers.size() && !p.protocol) {
    throw ConfigError("optimizers[" + std::to_string(first_target) + "] (" + p.optimizers[first_target]->type_name() +
                      "): location 'target' needs a protocol block (a target running `kenning server`)");
  }
  // Every step's output folder and data needs first: a chain fails before
  // its first optimizer spends any time. The target has no dataset.
  for (std::size_t i = 0; i < p.optimizers.size(); ++i) {
    const auto& optimizer = p.optimizers[i];
    check_output_path(optimizer->compiled_model_path(), optimizer->type_name() + " compiled_model_path");
    optimizer->check_calibration(i < first_target ? &calibration : nullptr);
  }
  for (std::size_t i = 0; i < first_target; ++i) {
    auto& optimizer = p.optimizers[i];
    spdlog::info("optimizing {} with {}", model.string(), optimizer->type_name());
    spec = optimizer->compile(model, spec, &calibration);
    model = optimizer->compiled_model_path();
  }
  if (first_target < p.optimizers.size()) {
    nlohmann::json reports;
    const std::span<const std::unique_ptr<Optimizer>> tail(p.optimizers.data() + first_target,
                                                           p.optimizers.size() - first_target);
    spec = optimize_on_target(*p.protocol, tail, model, spec, reports);
    model = p.optimizers.back()->compiled_model_path();
    if (target_reports) *target_reports = std::move(reports);
  }
  return model;
}

// The built-in runtime that runs `format` when a scenario with optimizers has
// no runtime block: our ONNX executor for ONNX, libtorch for TorchScript.
std::unique_ptr<Runtime> default_runtime_for(const std::string& format) {
  const std::vector<std::string> candidates = format == "onnx"          ? std::vector<std::string>{"onnx_exec", "opencv"}
                                              : format == "torchscript" ? std::vector<std::string>{"pytorch"}
                                                                        : std::vector<std::string>{};
  for (const auto& name : candidates) {
    if (registries().runtimes.index_of(name) == std::string_view::npos) continue;
    if (!registries().runtimes.find(name).available) continue;
    auto runtime = registries().runtimes.create(name, nlohmann::json::object(), "default runtime for " + format);
    spdlog::info("no runtime block: running the {} model with {}", format, runtime->type_name());
    return runtime;
  }
  throw ConfigError("the scenario has optimizers but no runtime block, and no built-in runtime reads " +
                    (format.empty() ? std::string("models of unknown format") : format) + "; add a runtime block");
}

Measurements run_inference_test(Pipeline& p, const TestOptions& options) {
  if (!options.measurements_path.empty()) check_output_path(options.measurements_path, "--measurements");
  if (options.load.mode != TestMode::Accuracy && p.protocol) {
    // A remote round trip per sample would measure the link, not the model;
    // --target-benchmark-runs times the target on its own.
    throw ConfigError("--test-mode " + test_mode_name(options.load.mode) +
                      ": runs local runtimes only, the scenario has a protocol block; use --test-mode accuracy "
                      "with --target-benchmark-runs for remote targets");
  }
  const std::string final_format = check_format_chain(p);
  // A chain of optimizers produces a file, not something the model wrapper
  // runs natively: without a runtime block, a default one for the format
  // tested runs it, for this call only.
  struct RuntimeLoan {
    Pipeline& p;
    bool borrowed = false;
    ~RuntimeLoan() {
      if (borrowed) p.runtime.reset();
    }
  } loan{p};
  if (!p.runtime && !p.optimizers.empty()) {
    p.runtime = default_runtime_for(options.run_optimizers ? final_format : p.model_wrapper->model_format());
    loan.borrowed = true;
  }

  Measurements m;
  m.set("command", options.command);
  m.set("cfg_path", options.cfg_path.string());
  m.set("build_cfg", p.to_json());
  m.set("kenning_version", KENNING_VERSION);
  m.set("host", host_context());
  m.set("model_framework", p.model_wrapper->framework());
  m.set("model_version", p.model_wrapper->framework_version());
  m.set("optimizers", nlohmann::json::array());
  for (const auto& o : p.optimizers) {
    m.append("optimizers", {{"compiler_framework", o->framework()}, {"compiler_version", o->framework_version()}});
  }
  if (p.runtime) {
    m.set("runtime_framework", p.runtime->framework());
    m.set("runtime_version", p.runtime->framework_version());
  }

  auto start = Clock::now();
  p.dataset->prepare();
  m.set("dataset_prepare_time", seconds_since(start));

  std::filesystem::path model = p.model_wrapper->model_path();
  if (options.run_optimizers) {
    nlohmann::json target_reports = nlohmann::json::array();
    model = optimize_model(p, &target_reports);
    // Each entry gains what its optimizer reports (node counts, sizes); the
    // target-side ones, what the target reported.
    nlohmann::json entries = nlohmann::json::array();
    std::size_t target_index = 0;
    for (const auto& o : p.optimizers) {
      nlohmann::json entry = {{"compiler_framework", o->framework()},
                              {"compiler_version", o->framework_version()},
                              {"location", enum_name(kOptimizerLocationNames, o->location())}};
      if (o->location() == OptimizerLocation::Target && target_index < target_reports.size()) {
        const auto& r = target_reports[target_index++];
        if (r.contains("report") && r["report"].is_object()) entry.update(r["report"]);
        if (r.contains("time")) entry["target_compile_time"] = r["time"];
      } else {
        entry.update(o->compile_report());
      }
      entries.push_back(std::move(entry));
    }
    m.set("optimizers", std::move(entries));
  }
  if (p.runtime && !p.runtime->save_model_path().empty()) model = p.runtime->save_model_path();
  if (!options.run_test) return m;

  std::error_code ec;
  const auto size = std::filesystem::file_size(model, ec);
  if (ec) throw IoError(model.string() + ": cannot read model file: " + ec.message());
  m.set("compiled_model_size", size);
  m.set("compiled_model_path", model.string());

  // The spec of the model actually run: its sidecar, else the wrapper's.
  const IOSpec spec = std::filesystem::exists(io_spec_path(model)) ? load_io_spec(model)
                                                                   : p.model_wrapper->io_spec();
  // Quality metrics need targets and predictions a dataset can score; without
  // either every batch is still timed, and the measurements say why no
  // quality metrics follow.
  std::string no_evaluation_reason;
  if (!p.dataset->has_ground_truth()) {
    no_evaluation_reason = "dataset " + p.dataset->type_name() + " has no ground truth";
  } else if (!p.model_wrapper->outputs_predictions()) {
    no_evaluation_reason = "model wrapper " + p.model_wrapper->type_name() +
                           " returns raw model outputs, not predictions";
  }
  const bool evaluate = no_evaluation_reason.empty();
  if (evaluate) {
    check_class_count(p, spec);
    m.set("class_names", p.dataset->class_names());
  } else {
    m.set("evaluation", "none");
    m.set("evaluation_skipped_reason", no_evaluation_reason);
    spdlog::info("no evaluation: {}; measuring performance only", no_evaluation_reason);
  }

  // A protocol block: the target runs the model (remote_inference.h).
  std::optional<RemoteInference> remote;
  if (p.protocol) {
    remote.emplace(*p.protocol);
    remote->prepare(model, spec, m);
  } else if (p.runtime) {
    start = Clock::now();
    p.runtime->prepare_model(model, spec);
    m.set("runtime_prepare_time", seconds_since(start));
  }

  const std::size_t total = p.dataset->size(Split::Test);
  const std::size_t batch_size = p.dataset->inference_batch_size();
  const LoadSettings& load = options.load;
  const bool performance_mode = load.mode != TestMode::Accuracy;
  const std::size_t query_size = load.mode == TestMode::SingleStream ? 1
                                 : load.mode == TestMode::Offline && load.offline_batch_size > 0
                                     ? load.offline_batch_size
                                     : batch_size;
  SampleSchedule schedule(total, query_size, load.mode == TestMode::SingleStream, load.seed);
  spdlog::info("testing {} on {} test samples (batch {}, {} mode) with {}", model.string(), total, query_size,
               test_mode_name(load.mode),
               remote      ? p.protocol->type_name() + " (remote)"
               : p.runtime ? p.runtime->type_name()
                           : p.model_wrapper->type_name() + " (native)");
  // Performance modes score only the first pass, kept apart until it is
  // known to be complete: a partial confusion matrix would mislead.
  Measurements first_pass_quality;
  Measurements& quality = performance_mode ? first_pass_quality : m;
  double inference_time = 0;  // what the stopping rule and the verdict both count
  ResourceSampler sampler;
  sampler.start();
  const std::size_t bar_total = performance_mode ? std::max(total, load.min_query_count) : total;
  ProgressBar bar("test", bar_total);
  const auto session_start = Clock::now();
  while (performance_mode ? !minimums_met(load, schedule.samples_issued(), inference_time)
                          : schedule.queries_issued() < schedule.queries_per_pass()) {
    const Query query = schedule.next();
    const Batch batch = p.dataset->batch(Split::Test, query.begin, query.count);
    auto t0 = Clock::now();
    std::vector<Tensor> inputs = p.model_wrapper->preprocess(batch);
    // A model with integer inputs (a quantizer's inference_input_type) gets
    // them quantized with its sidecar's scale and zero point.
    if (p.runtime || remote) inputs = quantize_by_spec(std::move(inputs), spec.model_inputs());
    m.append_timed("input_preprocess_step", seconds_since(t0), unix_time_now());
    const auto input_views = views_of(inputs);

    std::vector<Tensor> outputs;
    if (remote) {
      outputs = dequantize_by_spec(remote->infer(input_views, m), spec.model_outputs());
    } else if (p.runtime) {
      p.runtime->load_input(input_views);
      t0 = Clock::now();
      p.runtime->run();
      const double step = seconds_since(t0);
      inference_time += step;
      m.append_timed("target_inference_step", step, unix_time_now());
      outputs = dequantize_by_spec(p.runtime->extract_output(), spec.model_outputs());
    } else {
      t0 = Clock::now();
      outputs = p.model_wrapper->run_inference(input_views);
      const double step = seconds_since(t0);
      inference_time += step;
      m.append_timed("target_inference_step", step, unix_time_now());
    }
    t0 = Clock::now();
    const std::vector<Tensor> predictions = p.model_wrapper->postprocess(std::move(outputs));
    m.append_timed("output_postprocess_step", seconds_since(t0), unix_time_now());
    if (evaluate && schedule.in_first_pass()) p.dataset->evaluate(predictions, batch, quality);
    bar.update(std::min(schedule.samples_issued(), bar_total));
  }
  bar.finish();
  m.set("session_time", seconds_since(session_start));
  m.set("test_samples", schedule.samples_issued());
  m.set("test_mode", test_mode_name(load.mode));
  if (performance_mode) {
    m.set("test_mode_parameters", {{"min_duration_s", load.min_duration_s},
                                   {"min_query_count", load.min_query_count},
                                   {"seed", load.seed},
                                   {"query_size", query_size},
                                   {"test_split_samples", total},
                                   {"samples_issued", schedule.samples_issued()},
                                   {"queries_issued", schedule.queries_issued()},
                                   {"complete_passes", schedule.complete_passes()},
                                   {"duration_s", inference_time}});
    if (evaluate && schedule.complete_passes() >= 1) {
      for (const auto& [key, value] : first_pass_quality.data().items()) m.set(key, value);
    } else if (evaluate) {
      const std::string reason = fmt::format(
          "{} issued {} of the {} test samples before both minimums were met; quality metrics need every "
          "sample once (--min-query-count {} covers them)",
          test_mode_name(load.mode), std::min(schedule.samples_issued(), total), total, total);
      m.set("evaluation", "none");
      m.set("evaluation_skipped_reason", reason);
      spdlog::info("no evaluation: {}", reason);
    }
  }
  record_model_flops(model, m);
  if (remote && options.target_benchmark_runs > 0 && total > 0) {
    const Batch batch = p.dataset->batch(Split::Test, 0, batch_size);
    const auto inputs = quantize_by_spec(p.model_wrapper->preprocess(batch), spec.model_inputs());
    remote->benchmark(views_of(inputs), options.target_benchmark_runs, options.target_benchmark_warmup);
  }
  if (remote) remote->finish(m);
  sampler.stop_into(m);
  VerdictRules rules;
  if (performance_mode) {
    rules.min_duration_s = load.min_duration_s;
    rules.min_count = load.min_query_count;
    rules.count_samples = load.mode == TestMode::Offline;
  }
  m.compute_derived(rules);
  if (performance_mode) record_loadgen_result(load.mode, m);
  if (!options.measurements_path.empty()) {
    m.save(options.measurements_path);
    spdlog::info("measurements written to {}", options.measurements_path.string());
  }
  return m;
}

std::string summarize_measurements(const Measurements& m) {
  std::string s;
  const auto& d = m.data();
  if (d.contains("accuracy")) {
    s += fmt::format("accuracy:        {:.4f} ({} samples)\n", d["accuracy"].get<double>(),
                     d.value("total", std::int64_t{0}));
    s += fmt::format("top-5 accuracy:  {:.4f}\n", d["top_5_accuracy"].get<double>());
    s += fmt::format("mean precision:  {:.4f}   mean sensitivity: {:.4f}   G-mean: {:.4f}\n",
                     d["mean_precision"].get<double>(), d["mean_sensitivity"].get<double>(),
                     d["g_mean"].get<double>());
  }
  if (d.contains("eval_map_50")) {
    s += fmt::format("mAP@0.5:         {:.4f}   mAP@0.5:0.95: {:.4f}\n", d["eval_map_50"].get<double>(),
                     d["eval_map_50_95"].get<double>());
  }
  if (d.value("evaluation", std::string()) == "none") {
    s += fmt::format("evaluation:      none ({})\n", d.value("evaluation_skipped_reason", std::string()));
  }
  if (d.contains("inferencetime_mean")) {
    s += fmt::format("inference time:  mean {:.4f} ms, median {:.4f} ms, std {:.4f} ms, min {:.4f} ms, max {:.4f} ms"
                     " ({} batches)\n",
                     d["inferencetime_mean"].get<double>() * 1e3, d["inferencetime_median"].get<double>() * 1e3,
                     d["inferencetime_std"].get<double>() * 1e3, d["inferencetime_min"].get<double>() * 1e3,
                     d["inferencetime_max"].get<double>() * 1e3, d["target_inference_step"].size());
  }
  if (d.contains("inference_statistics")) {
    const auto& st = d["inference_statistics"];
    std::string pct;
    for (const auto& [key, value] : st["percentiles"].items()) {
      pct += value.is_null() ? fmt::format("{} n/a  ", key) : fmt::format("{} {:.4f} ms  ", key, value.get<double>() * 1e3);
    }
    s += fmt::format("percentiles:     {}(first inference {:.4f} ms)\n", pct,
                     st["first_inference_time"].get<double>() * 1e3);
    if (d.contains("throughput_inference_only")) {
      s += fmt::format("throughput:      {:.0f} samples/s inference only, {:.0f} samples/s whole session\n",
                       d["throughput_inference_only"].get<double>(), d.value("throughput_session", 0.0));
    }
    if (d.contains("achieved_gflops")) {
      s += fmt::format("compute:         {:.1f} MFLOP per sample, {:.1f} GFLOP/s achieved", d["flops_per_sample"].get<double>() * 1e-6,
                       d["achieved_gflops"].get<double>());
      if (d.contains("fraction_of_single_core_peak")) {
        s += fmt::format(" ({:.0f} % of one core's peak, {:.0f} GFLOP/s {})", d["fraction_of_single_core_peak"].get<double>() * 100,
                         d["host"]["peak_gflops_single_core"].get<double>(), d["host"]["peak_probe_isa"].get<std::string>());
      }
      s += "\n";
    }
    const auto& verdict = st["verdict"];
    std::string reasons;
    for (const auto& r : verdict["reasons"]) reasons += "; " + r.get<std::string>();
    s += fmt::format("verdict:         {}{}\n", verdict["result"].get<std::string>(), reasons);
    for (const auto& w : st["warnings"]) s += fmt::format("warning:         {}\n", w.get<std::string>());
  }
  if (d.contains("protocol_overhead_median")) {
    s += fmt::format("protocol:        median {:.1f} us per batch over the target's own time\n",
                     d["protocol_overhead_median"].get<double>() * 1e6);
  }
  if (d.contains("target_benchmark_statistics") && d["target_benchmark_statistics"].contains("steady_state")) {
    const auto& b = d["target_benchmark_statistics"];
    const auto& info = d.value("target_benchmark", nlohmann::json::object());
    std::string pct;
    for (const auto& [key, value] : b["percentiles"].items()) {
      if (!value.is_null()) pct += fmt::format(", {} {:.4f} ms", key, value.get<double>() * 1e3);
    }
    s += fmt::format("target bench:    {} runs after {} warm-ups: median {:.4f} ms{} ({}){}\n",
                     info.value("runs", 0), info.value("warmup", 0),
                     b["steady_state"]["median"].get<double>() * 1e3, pct,
                     b["verdict"]["result"].get<std::string>(),
                     info.value("truncated", false) ? ", stopped early: the client's timeout" : "");
  }
  if (d.contains("loadgen_result") && d.contains("test_mode_parameters")) {
    // One line per run in LoadGen's terms: the headline, the load and the verdict.
    const auto& r = d["loadgen_result"];
    const auto& t = d["test_mode_parameters"];
    const std::string value =
        r["value"].is_null() ? std::string("n/a (too few samples)")
        : r["metric"] == "p90_latency_s" ? fmt::format("p90 latency {:.4f} ms", r["value"].get<double>() * 1e3)
                                         : fmt::format("{:.0f} samples/s", r["value"].get<double>());
    s += fmt::format("{:<17}{}, {} samples in {} queries of {}, {:.3f} s of inference (minimums {:.3f} s, {}; "
                     "seed {}): {}\n",
                     d["test_mode"].get<std::string>() + ":", value, t["samples_issued"].get<std::size_t>(),
                     t["queries_issued"].get<std::size_t>(), t["query_size"].get<std::size_t>(),
                     t["duration_s"].get<double>(), t["min_duration_s"].get<double>(),
                     t["min_query_count"].get<std::size_t>(), t["seed"].get<std::uint64_t>(),
                     r["verdict"].get<std::string>());
  }
  if (d.contains("compiled_model_size")) {
    s += fmt::format("model:           {} ({} bytes)\n", d.value("compiled_model_path", std::string()),
                     d["compiled_model_size"].get<std::uint64_t>());
  }
  return s;
}

nlohmann::json compare_measurements(const Measurements& before, const Measurements& after) {
  const auto& b = before.data();
  const auto& a = after.data();
  nlohmann::json c = nlohmann::json::object();
  auto both = [&](const char* key) { return b.contains(key) && a.contains(key) && b[key].get<double>() != 0; };
  if (both("compiled_model_size")) {
    c["model_size_ratio"] = a["compiled_model_size"].get<double>() / b["compiled_model_size"].get<double>();
  }
  if (both("inferencetime_median")) {
    c["inference_time_ratio"] = a["inferencetime_median"].get<double>() / b["inferencetime_median"].get<double>();
  }
  if (b.contains("accuracy") && a.contains("accuracy")) {
    c["accuracy_change"] = a["accuracy"].get<double>() - b["accuracy"].get<double>();
  }
  return c;
}

std::string summarize_comparison(const Measurements& before, const Measurements& after) {
  const auto& b = before.data();
  const auto& a = after.data();
  const nlohmann::json c = compare_measurements(before, after);
  std::string s = fmt::format("{:<16} {:<40} {}\n", "", "before optimization", "after optimization");
  if (c.contains("model_size_ratio")) {
    s += fmt::format("{:<16} {:<40} {}\n", "model size", fmt::format("{:.0f} bytes", b["compiled_model_size"].get<double>()),
                     fmt::format("{:.0f} bytes ({:.2f}x)", a["compiled_model_size"].get<double>(),
                                 c["model_size_ratio"].get<double>()));
  }
  if (c.contains("accuracy_change")) {
    s += fmt::format("{:<16} {:<40} {}\n", "accuracy", fmt::format("{:.4f}", b["accuracy"].get<double>()),
                     fmt::format("{:.4f} ({:+.2f} points)", a["accuracy"].get<double>(),
                                 c["accuracy_change"].get<double>() * 100));
  }
  if (c.contains("inference_time_ratio")) {
    s += fmt::format("{:<16} {:<40} {}\n", "median time",
                     fmt::format("{:.4f} ms", b["inferencetime_median"].get<double>() * 1e3),
                     fmt::format("{:.4f} ms ({:.2f}x)", a["inferencetime_median"].get<double>() * 1e3,
                                 c["inference_time_ratio"].get<double>()));
  }
  return s;
}

}  // namespace kenning
