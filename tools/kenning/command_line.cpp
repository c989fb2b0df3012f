#include "command_line.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>

#include "kenning/core/error.h"
#include "kenning/core/scenario.h"
#include "kenning/registries.h"

namespace kenning::cli {

namespace {

using nlohmann::json;

// --<x>-cls options, named as upstream Kenning's, and the block each sets.
struct ClassOption {
  const char* flag;
  const char* block;
};
constexpr ClassOption kClassOptions[] = {
    {"--dataset-cls", "dataset"},   {"--modelwrapper-cls", "model_wrapper"},
    {"--runtime-cls", "runtime"},   {"--protocol-cls", "protocol"},
    {"--compiler-cls", "optimizers"},
};

// Value of `--name v` or `--name=v` before the real parse, which needs the
// classes to know which flags exist. Last occurrence wins.
std::string prescan(const std::vector<std::string>& args, const std::string& name) {
  std::string value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) value = args[i + 1];
    else if (args[i].rfind(name + "=", 0) == 0) value = args[i].substr(name.size() + 1);
  }
  return value;
}

const RegistryBase& registry_for(const std::string& block) {
  const auto& r = registries();
  if (block == "dataset") return r.datasets;
  if (block == "model_wrapper") return r.model_wrappers;
  if (block == "runtime") return r.runtimes;
  if (block == "protocol") return r.protocols;
  return r.optimizers;
}

void set_block_class(json& scenario, const std::string& block, const std::string& type) {
  if (block == "optimizers") {
    // --compiler-cls replaces the chain with a single optimizer.
    if (!scenario.contains("optimizers") || scenario["optimizers"].size() != 1 ||
        scenario["optimizers"][0]["type"] != type) {
      scenario["optimizers"] = json::array({{{"type", type}, {"parameters", json::object()}}});
    }
    return;
  }
  if (!scenario.contains(block) || scenario[block]["type"] != type) {
    scenario[block] = {{"type", type}, {"parameters", json::object()}};
  }
}

// One class-parameter flag bound to its block and declaration.
struct ParamFlag {
  json* parameters;  // the block's "parameters" object in the scenario
  ParamDecl decl;
  std::string flag;
  CLI::Option* option = nullptr;
  std::vector<std::string> values;
};

}  // namespace

ScenarioCommand parse_scenario_command(const std::vector<std::string>& commands,
                                       const std::vector<std::string>& args,
                                       const std::string& command_text,
                                       const std::function<void(CLI::App&)>& add_options) {
  ScenarioCommand cmd;
  cmd.commands = commands;
  cmd.command_text = command_text;

  const std::string cfg = prescan(args, "--cfg");
  if (!cfg.empty()) {
    cmd.cfg_path = cfg;
    cmd.scenario = load_scenario(cmd.cfg_path);
    cmd.where = cfg;
  }
  for (const auto& option : kClassOptions) {
    const std::string type = prescan(args, option.flag);
    if (!type.empty()) set_block_class(cmd.scenario, option.block, type);
  }

  // Blocks and their classes, in a stable order, with their declarations.
  struct BlockRef {
    std::string label;  // "runtime" or "optimizers[0]"
    std::string prefix; // flag prefix when a key is shared: "runtime", "optimizer0"
    json* block;
    const ClassInfo* info;
  };
  std::vector<BlockRef> blocks;
  for (const std::string key : {"dataset", "model_wrapper", "runtime", "protocol"}) {
    if (!cmd.scenario.contains(key)) continue;
    json& block = cmd.scenario[key];
    const auto& info = registry_for(key).find(block["type"].get<std::string>());
    blocks.push_back({key, key == "model_wrapper" ? "model-wrapper" : key, &block, &info});
  }
  if (cmd.scenario.contains("optimizers")) {
    auto& list = cmd.scenario["optimizers"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& info = registries().optimizers.find(list[i]["type"].get<std::string>());
      blocks.push_back({"optimizers[" + std::to_string(i) + "]", "optimizer" + std::to_string(i), &list[i], &info});
    }
  }

  CLI::App app("kenning " + [&] {
    std::string s;
    for (const auto& c : commands) s += (s.empty() ? "" : " ") + c;
    return s;
  }() + ": classes and parameters come from --cfg and the --*-cls options; every class parameter is also a flag");
  app.set_help_flag("-h,--help", "Print this help, including the flags of the selected classes");
  std::string unused;
  app.add_option("--cfg", unused, "Scenario file (JSON or YAML)");
  app.add_option("--measurements", cmd.measurements_path, "Where to write the measurements JSON");
  app.add_option("--verbosity", cmd.verbosity, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
  const bool optimize_and_test = std::find(commands.begin(), commands.end(), "optimize") != commands.end() &&
                                 std::find(commands.begin(), commands.end(), "test") != commands.end();
  if (optimize_and_test) {
    app.add_flag("--evaluate-unoptimized", cmd.evaluate_unoptimized,
                 "Also test the model before optimization; results go under \"__unoptimized__\"");
  }
  if (std::find(commands.begin(), commands.end(), "test") != commands.end()) {
    app.add_option("--target-benchmark-runs", cmd.target_benchmark_runs,
                   "With a protocol block: after the test set, time this many runs of the first batch on the "
                   "target (sent once, so link time never counts); 0: off")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
    app.add_option("--target-benchmark-warmup", cmd.target_benchmark_warmup,
                   "Untimed runs on the target before the timed ones")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
    app.add_option("--test-mode", cmd.test_mode,
                   "accuracy: every test sample once, quality metrics; single-stream: one sample per query, "
                   "shuffled and cycled, p90 latency; offline: large batches, repeated, samples/s")
        ->capture_default_str();
    app.add_option("--min-duration", cmd.min_duration_s,
                   "single-stream/offline: run at least this many seconds of inference (LoadGen: 60)")
        ->capture_default_str();
    app.add_option("--min-query-count", cmd.min_query_count,
                   "single-stream/offline: issue at least this many samples")
        ->capture_default_str();
    app.add_option("--test-seed", cmd.seed,
                   "single-stream: seed of the sample order (recorded; --seed is the model's training seed)")
        ->capture_default_str();
    app.add_option("--offline-batch-size", cmd.offline_batch_size,
                   "offline: samples per batch; 0: the dataset's inference batch size")
        ->capture_default_str();
  }
  if (std::find(commands.begin(), commands.end(), "report") != commands.end()) add_report_flags(app, cmd.report);
  if (add_options) add_options(app);
  std::string unused_cls[std::size(kClassOptions)];
  for (std::size_t i = 0; i < std::size(kClassOptions); ++i) {
    app.add_option(kClassOptions[i].flag, unused_cls[i], std::string("Class of the ") + kClassOptions[i].block + " block");
  }

  // A key declared by two selected classes gets block-prefixed flags only,
  // so no flag silently sets two things.
  std::map<std::string, int> key_count;
  for (const auto& b : blocks) for (const auto& d : b.info->params) key_count[d.name]++;
  std::vector<std::unique_ptr<ParamFlag>> flags;
  // The plain form of a shared key is accepted only to explain the choice.
  std::map<std::string, std::vector<std::string>> ambiguous;  // plain flag -> prefixed ones
  for (const auto& b : blocks) {
    auto* group = app.add_option_group(b.label + ": " + b.info->name);
    json& block = *b.block;
    if (!block.contains("parameters") || !block["parameters"].is_object()) block["parameters"] = json::object();
    for (const auto& d : b.info->params) {
      auto flag = std::make_unique<ParamFlag>();
      flag->parameters = &block["parameters"];
      flag->decl = d;
      const bool shared = key_count[d.name] > 1;
      std::string name = shared ? "--" + b.prefix + d.flag().substr(1) : d.flag();
      if (shared) ambiguous[d.flag()].push_back(name + " (" + b.label + ": " + b.info->name + ")");
      flag->flag = name;
      std::string help = d.help + " [" + d.expectation();
      if (!d.default_value.is_null()) help += "; default " + d.default_value.dump();
      if (d.required) help += "; required";
      help += "]";
      flag->option = group->add_option(name, flag->values, help);
      if (d.type == ParamType::List) flag->option->expected(1, -1);
      else flag->option->expected(1);
      flags.push_back(std::move(flag));
    }
  }

  for (const auto& [plain, choices] : ambiguous) {
    for (const auto& a : args) {
      if (a == plain || a.rfind(plain + "=", 0) == 0) {
        std::string msg = plain + " is ambiguous here; use one of: ";
        for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : "") + choices[i];
        throw ConfigError(msg);
      }
    }
  }

  std::vector<const char*> argv = {"kenning"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    cmd.help_shown = true;
    return cmd;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(std::string("command line: ") + e.what() + " (see kenning " +
                      (commands.empty() ? "" : commands.front()) + " --help)");
  }
  for (auto& f : flags) {
    if (f->option->count() == 0) continue;
    // Flags override the scenario file's values.
    (*f->parameters)[f->decl.name] = parse_param_strings(f->decl, f->values, f->flag);
  }
  return cmd;
}

int parse_or_exit(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"kenning"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(std::string("command line: ") + e.what());
  }
  return -1;
}


}  // namespace kenning::cli
