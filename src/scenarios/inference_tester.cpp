#include "scenarios/inference_tester.h"

#include <algorithm>
#include <chrono>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "measurement/host_info.h"
#include "kenning/core/progress_bar.h"
#include "kenning/core/quantization.h"
#include "measurement/resource_sampler.h"
#include "kenning/config.h"
#include "kenning/registries.h"
#include "scenarios/dataset_calibration.h"
#include "scenarios/inference_target.h"
#if KENNING_WITH_ONNX
#include "onnx/onnx_flops.h"
#endif
#include "scenarios/remote_inference.h"
#include "kenning/measurement/command_lines.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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
                      std::to_string(out.class_name.size()) + " classes, dataset " + p.dataset->type_name() + " has " +
                      std::to_string(names.size()));
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
    if (flops.total > 0 && flops.nodes_without_shapes == 0) m.set(keys::flops_per_sample, flops.total);
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
  const auto& stats = d[keys::inference_statistics];
  nlohmann::json result = {{"verdict", stats["verdict"]["result"]}};
  if (mode == TestMode::SingleStream) {
    result["metric"] = "p90_latency_s";
    result["value"] = stats.contains("percentiles") ? stats["percentiles"]["p90"] : nlohmann::json();
  } else {
    result["metric"] = "samples_per_second";
    result["value"] =
        d.contains(keys::throughput_inference_only) ? d[keys::throughput_inference_only] : nlohmann::json();
  }
  m.set(keys::loadgen_result, std::move(result));
}

}  // namespace

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
    check_writable_output(optimizer->compiled_model_path(), optimizer->type_name() + " compiled_model_path");
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
  const std::vector<std::string> candidates = format == "onnx" ? std::vector<std::string>{"onnx_exec", "opencv"}
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

namespace {

// What ran: the command, the scenario and the version of every part.
void record_run_context(const Pipeline& p, const TestOptions& options, Measurements& m) {
  m.set(keys::command, command_display_lines(command_words(options.command)));
  m.set(keys::cfg_path, options.cfg_path.string());
  m.set(keys::build_cfg, p.to_json());
  m.set(keys::kenning_version, KENNING_VERSION);
  m.set(keys::host, host_context());
  m.set(keys::model_framework, p.model_wrapper->framework());
  m.set(keys::model_version, p.model_wrapper->framework_version());
  m.set(keys::optimizers, nlohmann::json::array());
  for (const auto& o : p.optimizers) {
    m.append(keys::optimizers, {{"compiler_framework", o->framework()}, {"compiler_version", o->framework_version()}});
  }
  if (p.runtime) {
    m.set(keys::runtime_framework, p.runtime->framework());
    m.set(keys::runtime_version, p.runtime->framework_version());
  }
}

// Runs the optimizers; each "optimizers" entry gains what its optimizer
// reports (node counts, sizes), the target-side ones what the target
// reported. Returns the final model.
std::filesystem::path optimize_and_record(Pipeline& p, Measurements& m) {
  nlohmann::json target_reports = nlohmann::json::array();
  const std::filesystem::path model = optimize_model(p, &target_reports);
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
  m.set(keys::optimizers, std::move(entries));
  return model;
}

void record_model_file(const std::filesystem::path& model, Measurements& m) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(model, ec);
  if (ec) throw IoError(model.string() + ": cannot read model file: " + ec.message());
  m.set(keys::compiled_model_size, size);
  m.set(keys::compiled_model_path, model.string());
}

// Quality metrics need targets and predictions a dataset can score. Empty
// when they can be computed, else why not: every batch is then still timed,
// and the measurements say why no quality metrics follow.
std::string why_no_evaluation(const Pipeline& p) {
  if (!p.dataset->has_ground_truth()) return "dataset " + p.dataset->type_name() + " has no ground truth";
  if (!p.model_wrapper->outputs_predictions()) {
    return "model wrapper " + p.model_wrapper->type_name() + " returns raw model outputs, not predictions";
  }
  return "";
}

// How many samples one query carries in each test mode.
std::size_t query_size_for(const LoadSettings& load, std::size_t batch_size) {
  if (load.mode == TestMode::SingleStream) return 1;
  if (load.mode == TestMode::Offline && load.offline_batch_size > 0) return load.offline_batch_size;
  return batch_size;
}

// The test loop: every query through the target, timed step by step.
// Performance modes score only the first pass, kept apart in
// `first_pass_quality` until it is known to be complete: a partial confusion
// matrix would mislead. Returns the inference time the stopping rule counts.
double run_queries(Pipeline& p, InferenceTarget& target, const IOSpec& spec, const LoadSettings& load,
                   SampleSchedule& schedule, bool evaluate, Measurements& m, Measurements& first_pass_quality) {
  const bool performance_mode = load.mode != TestMode::Accuracy;
  Measurements& quality = performance_mode ? first_pass_quality : m;
  const std::size_t total = p.dataset->size(Split::Test);
  const std::size_t bar_total = performance_mode ? std::max(total, load.min_query_count) : total;
  ProgressBar bar("test", bar_total);
  double inference_time = 0;
  while (performance_mode ? !minimums_met(load, schedule.samples_issued(), inference_time)
                          : schedule.queries_issued() < schedule.queries_per_pass()) {
    const Query query = schedule.next();
    const Batch batch = p.dataset->batch(Split::Test, query.begin, query.count);
    auto t0 = Clock::now();
    std::vector<Tensor> inputs = p.model_wrapper->preprocess(batch);
    // A model with integer inputs (a quantizer's inference_input_type) gets
    // them quantized with its sidecar's scale and zero point.
    if (target.runs_model_file()) inputs = quantize_by_spec(std::move(inputs), spec.model_inputs());
    m.append_timed(keys::input_preprocess_step, seconds_since(t0), unix_time_now());

    QueryOutputs result = target.infer(views_of(inputs), m);
    inference_time += result.inference_seconds;
    if (target.runs_model_file()) result.outputs = dequantize_by_spec(std::move(result.outputs), spec.model_outputs());

    t0 = Clock::now();
    const std::vector<Tensor> predictions = p.model_wrapper->postprocess(std::move(result.outputs));
    m.append_timed(keys::output_postprocess_step, seconds_since(t0), unix_time_now());
    if (evaluate && schedule.in_first_pass()) p.dataset->evaluate(predictions, batch, quality);
    bar.update(std::min(schedule.samples_issued(), bar_total));
  }
  bar.finish();
  return inference_time;
}

// A performance mode's load and, when its first pass covered the test split,
// the quality metrics of that pass.
void record_test_mode_result(const LoadSettings& load, const SampleSchedule& schedule, std::size_t total,
                             std::size_t query_size, double inference_time, bool evaluate,
                             const Measurements& first_pass_quality, Measurements& m) {
  m.set(keys::test_mode_parameters, {{"min_duration_s", load.min_duration_s},
                                     {"min_query_count", load.min_query_count},
                                     {"seed", load.seed},
                                     {"query_size", query_size},
                                     {"test_split_samples", total},
                                     {"samples_issued", schedule.samples_issued()},
                                     {"queries_issued", schedule.queries_issued()},
                                     {"complete_passes", schedule.complete_passes()},
                                     {"duration_s", inference_time}});
  if (!evaluate) return;
  if (schedule.complete_passes() >= 1) {
    m.merge(first_pass_quality.data());
    return;
  }
  const std::string reason = fmt::format(
      "{} issued {} of the {} test samples before both minimums were met; quality metrics need every "
      "sample once (--min-query-count {} covers them)",
      test_mode_name(load.mode), std::min(schedule.samples_issued(), total), total, total);
  m.set(keys::evaluation, "none");
  m.set(keys::evaluation_skipped_reason, reason);
  spdlog::info("no evaluation: {}", reason);
}

// Judges the run: derived statistics under the mode's minimums, and
// LoadGen's headline for the performance modes.
void judge_run(const LoadSettings& load, Measurements& m) {
  VerdictRules rules;
  if (load.mode != TestMode::Accuracy) {
    rules.min_duration_s = load.min_duration_s;
    rules.min_count = load.min_query_count;
    rules.count_samples = load.mode == TestMode::Offline;
  }
  m.compute_derived(rules);
  if (load.mode != TestMode::Accuracy) record_loadgen_result(load.mode, m);
}

}  // namespace

Measurements run_inference_test(Pipeline& p, const TestOptions& options) {
  if (!options.measurements_path.empty()) check_writable_output(options.measurements_path, "--measurements");
  const LoadSettings& load = options.load;
  if (load.mode != TestMode::Accuracy && p.protocol) {
    // A remote round trip per sample would measure the link, not the model;
    // --target-benchmark-runs times the target on its own.
    throw ConfigError("--test-mode " + test_mode_name(load.mode) +
                      ": runs local runtimes only, the scenario has a protocol block; use --test-mode accuracy "
                      "with --target-benchmark-runs for remote targets");
  }
  if (options.target_benchmark_runs > 0 && !p.protocol) {
    throw ConfigError("--target-benchmark-runs: needs a protocol block (a remote target running `kenning server`)");
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
  record_run_context(p, options, m);
  const auto prepare_start = Clock::now();
  p.dataset->prepare();
  m.set(keys::dataset_prepare_time, seconds_since(prepare_start));

  std::filesystem::path model = options.run_optimizers ? optimize_and_record(p, m) : p.model_wrapper->model_path();
  if (p.runtime && !p.runtime->save_model_path().empty()) model = p.runtime->save_model_path();
  if (!options.run_test) return m;
  record_model_file(model, m);

  // The spec of the model actually run: its sidecar, else the wrapper's.
  const IOSpec spec = std::filesystem::exists(io_spec_path(model)) ? load_io_spec(model) : p.model_wrapper->io_spec();
  const std::string no_evaluation_reason = why_no_evaluation(p);
  const bool evaluate = no_evaluation_reason.empty();
  if (evaluate) {
    check_class_count(p, spec);
    m.set(keys::class_names, p.dataset->class_names());
  } else {
    m.set(keys::evaluation, "none");
    m.set(keys::evaluation_skipped_reason, no_evaluation_reason);
    spdlog::info("no evaluation: {}; measuring performance only", no_evaluation_reason);
  }

  const std::unique_ptr<InferenceTarget> target = make_inference_target(p);
  target->prepare(model, spec, m);

  const std::size_t total = p.dataset->size(Split::Test);
  const std::size_t batch_size = p.dataset->inference_batch_size();
  const std::size_t query_size = query_size_for(load, batch_size);
  SampleSchedule schedule(total, query_size, load.mode == TestMode::SingleStream, load.seed);
  spdlog::info("testing {} on {} test samples (batch {}, {} mode) with {}", model.string(), total, query_size,
               test_mode_name(load.mode), target->description());
  Measurements first_pass_quality;
  ResourceSampler sampler;
  sampler.start();
  const auto session_start = Clock::now();
  const double inference_time = run_queries(p, *target, spec, load, schedule, evaluate, m, first_pass_quality);
  m.set(keys::session_time, seconds_since(session_start));
  m.set(keys::test_samples, schedule.samples_issued());
  m.set(keys::test_mode, test_mode_name(load.mode));
  if (load.mode != TestMode::Accuracy) {
    record_test_mode_result(load, schedule, total, query_size, inference_time, evaluate, first_pass_quality, m);
  }
  record_model_flops(model, m);
  if (options.target_benchmark_runs > 0 && total > 0) {
    const Batch batch = p.dataset->batch(Split::Test, 0, batch_size);
    const auto inputs = quantize_by_spec(p.model_wrapper->preprocess(batch), spec.model_inputs());
    target->benchmark(views_of(inputs), options.target_benchmark_runs, options.target_benchmark_warmup);
  }
  target->finish(m);
  sampler.stop_into(m);
  judge_run(load, m);
  if (!options.measurements_path.empty()) {
    m.save(options.measurements_path);
    spdlog::info("measurements written to {}", options.measurements_path.string());
  }
  return m;
}

}  // namespace kenning
