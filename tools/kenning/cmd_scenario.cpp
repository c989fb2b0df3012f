// `kenning train`, `kenning optimize`, `kenning test`, alone or chained
// (`kenning train test`, `kenning optimize test`), optionally ending with
// `report` (the report of this run, as `kenning report` renders it).
#include <iostream>

#include <spdlog/spdlog.h>

#include "command_line.h"
#include "commands.h"
#include "scenarios/inference_tester.h"
#include "scenarios/measurement_summary.h"
#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "kenning/core/logging.h"
#include "scenarios/model_training.h"
#include "scenarios/pipeline.h"
#include "reports/report_input.h"
#include "report_options.h"
#include "kenning/measurement/command_lines.h"
#include "kenning/measurement/keys.h"

namespace kenning::cli {

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The run is named after its measurements file, or else after the report.
void report_run(const Measurements& m, const ScenarioCommand& cmd) {
  const std::filesystem::path report_path = cmd.report.report_path;
  const std::filesystem::path file = cmd.measurements_path.empty() ? report_path : cmd.measurements_path;
  render_report(report_runs_of(m.data(), file, file.stem().string()), cmd.report);
}

// Training replaces the model file and its weights (<stem>.pt beside it): a
// committed model is not lost to a default scenario without --force.
void refuse_to_overwrite_model(const std::filesystem::path& model) {
  std::filesystem::path weights = model;
  weights.replace_extension(".pt");
  for (const auto& file : {model, weights}) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
      throw ConfigError("kenning train: " + file.string() +
                        " exists and training would overwrite it; pass --force, or train into a new file "
                        "(--model-path build/" +
                        model.filename().string() + ")");
    }
  }
}

}  // namespace

int run_scenario_commands(const std::vector<std::string>& commands, const std::vector<std::string>& args,
                          const std::string& command_text) {
  ScenarioCommand cmd = parse_scenario_command(commands, args, command_text);
  if (cmd.help_shown) return 0;
  if (!cmd.verbosity.empty()) set_log_level(cmd.verbosity);

  // Bad test-mode flags fail before any training or optimization.
  LoadSettings load;
  load.mode = parse_test_mode(cmd.test.test_mode);
  load.min_duration_s = cmd.test.min_duration;
  load.min_query_count = static_cast<std::size_t>(cmd.test.min_query_count);
  load.seed = static_cast<std::uint64_t>(cmd.test.test_seed);
  load.offline_batch_size = static_cast<std::size_t>(cmd.test.offline_batch_size);
  check_load_settings(load);

  const bool train = has(commands, "train");
  const bool optimize = has(commands, "optimize");
  const bool test = has(commands, "test");
  const bool report = has(commands, "report");
  if (report) check_report_flags(cmd.report);
  // An upstream scenario's report block: the report of the test, unless the
  // command line chains `report` with its own flags.
  const bool block_report = !report && test && cmd.scenario.contains("report");
  if (block_report) {
    cmd.report = report_flags_of_block(cmd.scenario["report"], cmd.where + ": report");
    check_report_flags(cmd.report);
  }
  Pipeline pipeline = build_pipeline(cmd.scenario, cmd.where, {"dataset", "model_wrapper"});

  Measurements training;
  if (train) {
    // Fail before hours of training, not after.
    if (!test && !cmd.measurements_path.empty()) check_writable_output(cmd.measurements_path, "--measurements");
    if (!cmd.force) refuse_to_overwrite_model(pipeline.model_wrapper->model_path());
    run_training(pipeline, training);
    if (!test) {
      training.set(keys::command, command_display_lines(command_words(cmd.command_text)));
      training.set(keys::build_cfg, pipeline.to_json());
      if (!cmd.measurements_path.empty()) training.save(cmd.measurements_path);
      std::cout << "trained model: " << pipeline.model_wrapper->model_path().string() << "\n";
      if (report) report_run(training, cmd);
      return 0;
    }
  }

  TestOptions options;
  options.command = cmd.command_text;
  options.cfg_path = cmd.cfg_path;
  options.measurements_path = cmd.measurements_path;
  options.run_optimizers = optimize;
  options.run_test = test;
  options.target_benchmark_runs = static_cast<std::size_t>(cmd.test.target_benchmark_runs);
  options.target_benchmark_warmup = static_cast<std::size_t>(cmd.test.target_benchmark_warmup);
  options.load = load;
  if (options.target_benchmark_runs > 0 && !pipeline.protocol) {
    throw ConfigError("--target-benchmark-runs: needs a protocol block (a remote target running `kenning server`)");
  }
  if (train) options.measurements_path.clear();  // saved below, with the training curves
  Measurements unoptimized;
  if (cmd.evaluate_unoptimized) {
    TestOptions before = options;
    before.run_optimizers = false;
    before.measurements_path.clear();
    spdlog::info("testing the model before optimization (--evaluate-unoptimized)");
    unoptimized = run_inference_test(pipeline, before);
  }
  Measurements m = run_inference_test(pipeline, options);
  if (cmd.evaluate_unoptimized) {
    m.set(keys::unoptimized, unoptimized.data());
    m.set(keys::optimization_effect, compare_measurements(unoptimized, m));
    if (!cmd.measurements_path.empty() && !train) m.save(cmd.measurements_path);
  }
  if (train) {
    m.merge(training.data());
    if (!cmd.measurements_path.empty()) m.save(cmd.measurements_path);
  }
  if (test) std::cout << summarize_measurements(m);
  if (test && cmd.evaluate_unoptimized) std::cout << "\n" << summarize_comparison(unoptimized, m) << "\n";
  if (!cmd.measurements_path.empty()) std::cout << "measurements:    " << cmd.measurements_path.string() << "\n";
  if (report || block_report) report_run(m, cmd);
  return 0;
}

}  // namespace kenning::cli
