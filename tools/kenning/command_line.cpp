#include "command_line.h"

#include <algorithm>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "kenning/core/edit_distance.h"
#include "kenning/core/error.h"
#include "kenning/core/scenario.h"
#include "kenning/registries.h"
#include "schema_flags.h"

namespace kenning::cli {

namespace {

using nlohmann::json;

// The --<x>-cls options and the block each sets.
struct ClassOption {
  const char* name;
  std::string ScenarioOptions::*member;
  const char* block;
};
constexpr ClassOption kClassOptions[] = {
    {"dataset_cls", &ScenarioOptions::dataset_cls, "dataset"},
    {"modelwrapper_cls", &ScenarioOptions::modelwrapper_cls, "model_wrapper"},
    {"runtime_cls", &ScenarioOptions::runtime_cls, "runtime"},
    {"protocol_cls", &ScenarioOptions::protocol_cls, "protocol"},
    {"compiler_cls", &ScenarioOptions::compiler_cls, "optimizers"},
};

std::string flag_of(const std::string& name) {
  ParamDecl decl;
  decl.name = name;
  return decl.flag();
}

// Value of `--name v` or `--name=v` before the real parse, which needs the
// classes to know which flags exist. Last occurrence wins.
std::string prescan(const std::vector<std::string>& args, const std::string& name) {
  std::string value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size())
      value = args[i + 1];
    else if (args[i].rfind(name + "=", 0) == 0)
      value = args[i].substr(name.size() + 1);
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

// Every --long name of `app` and of its option groups.
void collect_flags(const CLI::App& app, std::vector<std::string>& flags) {
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) flags.push_back("--" + name);
  }
  for (const CLI::App* group : app.get_subcommands(nullptr)) collect_flags(*group, flags);
}

// CLI11's "not expected" message, with the flag meant when the first unknown
// one is a near miss: "--test-mod: unknown option; did you mean --test-mode?".
std::string unknown_option_message(const CLI::App& app, const std::string& cli11_message) {
  std::string unknown;
  for (const auto& arg : app.remaining()) {
    if (arg.rfind("--", 0) == 0) {
      unknown = arg.substr(0, arg.find('='));
      break;
    }
  }
  if (unknown.empty()) return cli11_message;
  std::vector<std::string> flags;
  collect_flags(app, flags);
  const std::string* best = nullptr;
  std::size_t best_distance = 3;  // only close matches
  for (const auto& flag : flags) {
    const std::size_t distance = edit_distance(unknown, flag);
    if (distance < best_distance) best = &flag, best_distance = distance;
  }
  if (!best) return cli11_message;
  return unknown + ": unknown option; did you mean " + *best + "?";
}

bool has(const std::vector<std::string>& commands, const char* command) {
  return std::find(commands.begin(), commands.end(), command) != commands.end();
}

}  // namespace

const ParamSchema<ScenarioOptions>& ScenarioOptions::schema() {
  static const auto s = [] {
    ParamSchema<ScenarioOptions> schema("scenario command", "Options of train, optimize, test, infer and server");
    schema.field("cfg", &ScenarioOptions::cfg, "Scenario file (JSON or YAML)")
        .field("measurements", &ScenarioOptions::measurements, "Where to write the measurements JSON")
        .field("verbosity", &ScenarioOptions::verbosity, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
    for (const auto& option : kClassOptions) {
      schema.field(option.name, option.member, std::string("Class of the ") + option.block + " block");
    }
    return schema;
  }();
  return s;
}

const ParamSchema<TestFlags>& TestFlags::schema() {
  static const auto s =
      ParamSchema<TestFlags>("test", "Options of `kenning test`")
          .field("test_mode", &TestFlags::test_mode,
                 "accuracy: every test sample once, quality metrics; single-stream: one sample per query, "
                 "shuffled and cycled, p90 latency; offline: large batches, repeated, samples/s")
          .one_of({test_mode_name(TestMode::Accuracy), test_mode_name(TestMode::SingleStream),
                   test_mode_name(TestMode::Offline)})
          .field("min_duration", &TestFlags::min_duration,
                 "single-stream/offline: run at least this many seconds of inference (LoadGen: 60)")
          .at_least(0)
          .field("min_query_count", &TestFlags::min_query_count,
                 "single-stream/offline: issue at least this many samples")
          .at_least(1)
          .field("test_seed", &TestFlags::test_seed,
                 "single-stream: seed of the sample order (recorded; --seed is the model's training seed)")
          .at_least(0)
          .field("offline_batch_size", &TestFlags::offline_batch_size,
                 "offline: samples per batch; 0: the dataset's inference batch size")
          .at_least(0)
          .field("target_benchmark_runs", &TestFlags::target_benchmark_runs,
                 "With a protocol block: after the test set, time this many runs of the first batch on the "
                 "target (sent once, so link time never counts); 0: off")
          .range(0, 1000000)
          .field("target_benchmark_warmup", &TestFlags::target_benchmark_warmup,
                 "Untimed runs on the target before the timed ones")
          .range(0, 1000000);
  return s;
}

const ParamSchema<OptimizeTestFlags>& OptimizeTestFlags::schema() {
  static const auto s = ParamSchema<OptimizeTestFlags>("optimize test", "Options of `kenning optimize test`")
                            .field("evaluate_unoptimized", &OptimizeTestFlags::evaluate_unoptimized,
                                   "Also test the model before optimization; results go under \"__unoptimized__\"");
  return s;
}

const ParamSchema<TrainFlags>& TrainFlags::schema() {
  static const auto s =
      ParamSchema<TrainFlags>("train", "Options of `kenning train`")
          .field("force", &TrainFlags::force, "Overwrite the model (and its weights) when the files already exist");
  return s;
}

ScenarioCommand parse_scenario_command(const std::vector<std::string>& commands, const std::vector<std::string>& args,
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
    const std::string type = prescan(args, flag_of(option.name));
    if (!type.empty()) set_block_class(cmd.scenario, option.block, type);
  }

  // Blocks and their classes, in a stable order, with their declarations.
  struct BlockRef {
    std::string label;   // "runtime" or "optimizers[0]"
    std::string prefix;  // flag prefix when a key is shared: "runtime", "optimizer0"
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

  std::string command_name = "kenning";
  for (const auto& c : commands) command_name += " " + c;
  // The name is what the usage line shows: "Usage: kenning optimize test [OPTIONS]".
  CLI::App app(
      command_name +
          ": classes and parameters come from --cfg and the --*-cls options; every class parameter is also a flag",
      command_name);
  app.set_help_flag("-h,--help", "Print this help, including the flags of the selected classes");
  SchemaFlags<ScenarioOptions> scenario_flags(ScenarioOptions::schema());
  SchemaFlags<OptimizeTestFlags> optimize_test_flags(OptimizeTestFlags::schema());
  SchemaFlags<TrainFlags> train_flags(TrainFlags::schema());
  SchemaFlags<TestFlags> test_flags(TestFlags::schema());
  SchemaFlags<ReportFlags> report_flags(ReportFlags::schema());
  scenario_flags.add_to(app);
  if (has(commands, "optimize") && has(commands, "test")) optimize_test_flags.add_to(app);
  if (has(commands, "train")) train_flags.add_to(app);
  if (has(commands, "test")) test_flags.add_to(app);
  if (has(commands, "report")) report_flags.add_to(app);
  if (add_options) add_options(app);

  // A key declared by two selected classes gets block-prefixed flags only,
  // so no flag silently sets two things.
  std::map<std::string, int> key_count;
  for (const auto& b : blocks) {
    for (const auto& d : b.info->params) {
      key_count[d.name]++;
      for (const auto& a : d.aliases) key_count[a]++;
    }
  }
  std::vector<std::unique_ptr<DeclFlag>> flags;
  std::vector<json*> flag_parameters;  // the block's "parameters" object each flag sets
  // The plain form of a shared key is accepted only to explain the choice.
  std::map<std::string, std::vector<std::string>> ambiguous;  // plain flag -> prefixed ones
  for (const auto& b : blocks) {
    auto* group = app.add_option_group(b.label + ": " + b.info->name);
    json& block = *b.block;
    if (!block.contains("parameters") || !block["parameters"].is_object()) block["parameters"] = json::object();
    for (const auto& d : b.info->params) {
      if (d.ignored) continue;  // no effect here: no flag either
      const bool shared = key_count[d.name] > 1;
      std::string name = shared ? "--" + b.prefix + d.flag().substr(1) : d.flag();
      if (shared) ambiguous[d.flag()].push_back(name + " (" + b.label + ": " + b.info->name + ")");
      // Upstream's names of the parameter are flags too; the declared name
      // comes last, as errors name the last of an option's names.
      std::string names;
      for (const auto& a : d.aliases) {
        ParamDecl named = d;
        named.name = a;
        const bool alias_shared = key_count[a] > 1;
        names += (alias_shared ? "--" + b.prefix + named.flag().substr(1) : named.flag()) + ",";
      }
      flags.push_back(add_decl_flag(*group, d, FlagStyle{names + name}));
      flag_parameters.push_back(&block["parameters"]);
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

  if (parse_or_exit(app, args, commands.empty() ? "" : commands.front()) == 0) {
    cmd.help_shown = true;
    return cmd;
  }
  const ScenarioOptions options = scenario_flags.values();
  cmd.measurements_path = options.measurements;
  cmd.verbosity = options.verbosity;
  if (optimize_test_flags.added()) cmd.evaluate_unoptimized = optimize_test_flags.values().evaluate_unoptimized;
  if (train_flags.added()) cmd.force = train_flags.values().force;
  if (test_flags.added()) cmd.test = test_flags.values();
  if (report_flags.added()) cmd.report = report_flags.values();
  for (std::size_t i = 0; i < flags.size(); ++i) {
    // Flags override the scenario file's values.
    if (!flag_given(*flags[i])) continue;
    json& parameters = *flag_parameters[i];
    // The flag replaces the value whichever name the scenario gave it under.
    for (const auto& a : flags[i]->decl.aliases) parameters.erase(a);
    parameters[flags[i]->decl.name] = flag_value(*flags[i]);
  }
  return cmd;
}

int parse_or_exit(CLI::App& app, const std::vector<std::string>& args, const std::string& command) {
  const std::string see_help = command.empty() ? "" : " (see kenning " + command + " --help)";
  std::vector<const char*> argv = {"kenning"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ExtrasError& e) {
    throw ConfigError("command line: " + unknown_option_message(app, e.what()) + see_help);
  } catch (const CLI::ParseError& e) {
    throw ConfigError(std::string("command line: ") + e.what() + see_help);
  }
  return -1;
}

}  // namespace kenning::cli
