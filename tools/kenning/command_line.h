// Turns `kenning <commands> --cfg s.json --flag value ...` into an effective
// scenario: the file's blocks, with classes replaced by --*-cls options and
// parameters overridden by flags derived from each class's declaration.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kenning/core/params.h"
#include "report_options.h"
#include "scenarios/test_mode.h"

namespace CLI {
class App;
}

namespace kenning::cli {

// Options of every scenario command: the scenario, where the measurements
// go, the log level, and the class of each block (named as upstream
// Kenning's --<x>-cls options; --compiler-cls sets the optimizers).
struct ScenarioOptions {
  std::filesystem::path cfg;
  std::filesystem::path measurements;
  std::string verbosity;
  std::string dataset_cls, modelwrapper_cls, runtime_cls, protocol_cls, compiler_cls;
  static const ParamSchema<ScenarioOptions>& schema();
};

// `test`: the test mode and its minimums (scenarios/test_mode.h), and with a
// protocol block the target-side benchmark.
struct TestFlags {
  std::string test_mode = test_mode_name(LoadSettings{}.mode);
  double min_duration = LoadSettings{}.min_duration_s;
  std::int64_t min_query_count = static_cast<std::int64_t>(LoadSettings{}.min_query_count);
  std::int64_t test_seed = static_cast<std::int64_t>(LoadSettings{}.seed);
  std::int64_t offline_batch_size = 0;
  std::int64_t target_benchmark_runs = 0;  // 0: off
  std::int64_t target_benchmark_warmup = 10;
  static const ParamSchema<TestFlags>& schema();
};

// `optimize test`: also test the model as the wrapper gives it, nested under
// "__unoptimized__" in the measurements.
struct OptimizeTestFlags {
  bool evaluate_unoptimized = false;
  static const ParamSchema<OptimizeTestFlags>& schema();
};

// `train`: whether it may overwrite an existing model.
struct TrainFlags {
  bool force = false;
  static const ParamSchema<TrainFlags>& schema();
};

struct ScenarioCommand {
  std::vector<std::string> commands;  // e.g. {"train", "test"}
  nlohmann::json scenario = nlohmann::json::object();
  std::string where = "command line";  // source named in errors
  std::filesystem::path cfg_path;
  std::filesystem::path measurements_path;
  std::string verbosity;
  std::string command_text;           // the full command, for the measurements
  bool help_shown = false;            // -h was given and help printed
  bool evaluate_unoptimized = false;  // OptimizeTestFlags
  bool force = false;                 // TrainFlags
  TestFlags test;                     // defaults unless the chain has `test`
  // `... test report`: a report of this run, as `kenning report` renders it.
  ReportFlags report;
};

// Parses the arguments after the command words. Throws ConfigError/IoError
// naming the flag, file or key on bad input. `add_options` lets a command add
// its own options (e.g. `infer --input`, through a SchemaFlags) beside the
// scenario's flags.
ScenarioCommand parse_scenario_command(const std::vector<std::string>& commands, const std::vector<std::string>& args,
                                       const std::string& command_text,
                                       const std::function<void(CLI::App&)>& add_options = {});

// Parses a command's options with CLI11: 0 after printing --help, -1 to go
// on; ConfigError naming the problem for bad arguments (a misspelt flag: the
// flag and the one meant). `command` (e.g. "test") adds "see kenning test --help".
int parse_or_exit(CLI::App& app, const std::vector<std::string>& args, const std::string& command = "");

}  // namespace kenning::cli
