// Turns `kenning <commands> --cfg s.json --flag value ...` into an effective
// scenario: the file's blocks, with classes replaced by --*-cls options and
// parameters overridden by flags derived from each class's declaration.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report_options.h"

namespace CLI {
class App;
}

namespace kenning::cli {

struct ScenarioCommand {
  std::vector<std::string> commands;  // e.g. {"train", "test"}
  nlohmann::json scenario = nlohmann::json::object();
  std::string where = "command line";  // source named in errors
  std::filesystem::path cfg_path;
  std::filesystem::path measurements_path;
  std::string verbosity;
  std::string command_text;  // the full command, for the measurements
  bool help_shown = false;   // -h was given and help printed
  // `optimize test --evaluate-unoptimized`: also test the model as the
  // wrapper gives it, nested under "__unoptimized__" in the measurements.
  bool evaluate_unoptimized = false;
  // `test` with a protocol block: the target-side benchmark (0 runs: off).
  std::size_t target_benchmark_runs = 0;
  std::size_t target_benchmark_warmup = 10;
  // `test --test-mode` and its minimums (test_mode.h).
  std::string test_mode = "accuracy";
  double min_duration_s = 1.0;
  std::size_t min_query_count = 1024;
  std::uint64_t seed = 0x4b454e4e;
  std::size_t offline_batch_size = 0;
  // `... test report`: a report of this run, as `kenning report` renders it.
  ReportFlags report;
};

// Parses the arguments after the command words. Throws ConfigError/IoError
// naming the flag, file or key on bad input. `add_options` lets a command add
// its own options (e.g. `infer --input`) beside the scenario's flags.
ScenarioCommand parse_scenario_command(const std::vector<std::string>& commands,
                                       const std::vector<std::string>& args,
                                       const std::string& command_text,
                                       const std::function<void(CLI::App&)>& add_options = {});

// Parses a command's own options with CLI11: 0 after printing --help, -1 to
// go on; ConfigError naming the problem for bad arguments.
int parse_or_exit(CLI::App& app, const std::vector<std::string>& args);

}  // namespace kenning::cli
