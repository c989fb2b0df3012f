#include "command_table.h"

#include <algorithm>

#include "commands.h"
#include "kenning/core/error.h"

namespace kenning::cli {

namespace {

using Args = std::vector<std::string>;

bool has(const Args& words, const char* word) { return std::find(words.begin(), words.end(), word) != words.end(); }

// "a, b and c": `last` joins the last two.
std::string join(const Args& items, const std::string& last) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    s += i == 0 ? "" : i + 1 == items.size() ? " " + last + " " : ", ";
    s += items[i];
  }
  return s;
}

// train / optimize / test, alone or chained: the chain's further words are
// read here, the options after them by run_scenario_commands.
int run_chain(const std::string& first, const Args& rest, const std::string& command_text) {
  Args words = {first};
  words.insert(words.end(), rest.begin(), rest.end());
  const Args commands = chain_commands(words, command_text);
  return run_scenario_commands(commands, {words.begin() + static_cast<long>(commands.size()), words.end()},
                               command_text);
}

// "[train | optimize] [test] [report]", from the chain slots.
std::string chain_pattern() {
  std::string pattern;
  int slot = -1;
  for (const Command& c : command_table()) {
    if (!c.chains()) continue;
    slot = std::max(slot, c.chain_slot);
  }
  for (int s = 0; s <= slot; ++s) {
    Args names;
    for (const Command& c : command_table()) {
      if (c.chain_slot == s) names.emplace_back(c.name);
    }
    if (names.empty()) continue;
    std::string group;
    for (const auto& n : names) group += (group.empty() ? "" : " | ") + n;
    pattern += (pattern.empty() ? "[" : " [") + group + "]";
  }
  return pattern;
}

}  // namespace

const std::vector<Command>& command_table() {
  static const std::vector<Command> table = {
      {"train", "train the model wrapper on the dataset and save it", 0,
       [](const Args& args, const std::string& text) { return run_chain("train", args, text); }},
      {"optimize", "run the scenario's optimizers on the model", 0,
       [](const Args& args, const std::string& text) { return run_chain("optimize", args, text); }},
      {"test", "run the model on the dataset's test split and measure it", 1,
       [](const Args& args, const std::string& text) { return run_chain("test", args, text); }},
      {"infer", "run a model on .npy inputs: kenning infer --model m.onnx --input a.npy --output-dir out/", -1,
       run_infer},
      {"onnx-conversion", "export models to ONNX/TorchScript, run them in every runtime, write the support matrix", -1,
       [](const Args& args, const std::string&) { return run_onnx_conversion(args); }},
      {"flow", "run a flow of data providers, model runners and output collectors: kenning flow --cfg flow.json", -1,
       [](const Args& args, const std::string&) { return run_flow(args); }},
      // First on the line it renders measurements files; later in a chain,
      // the run_scenario_commands of the chain renders that run.
      {"report",
       "render measurements as a report with plots: kenning report --measurements a.json [b.json ...] "
       "--report-path r.md [--to-html];\nafter test or train in a chain, the report of that run",
       2, [](const Args& args, const std::string&) { return run_report(args); }},
      {"server", "serve remote runs on this target: kenning server --cfg scenarios/server.json", -1, run_server},
      {"list", "list the classes of every family: kenning list [family]", -1,
       [](const Args& args, const std::string&) { return run_list(args); }},
      {"info", "describe a class and its parameters: kenning info <class>", -1,
       [](const Args& args, const std::string&) { return run_info(args); }},
  };
  return table;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : command_table()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string usage_text() {
  Args chaining;
  for (const Command& c : command_table()) {
    if (c.chains()) chaining.emplace_back(c.name);
  }
  std::string text = "usage: kenning <command> [<command> ...] [options]\n\ncommands (" + join(chaining, "and") +
                     " can be chained, e.g. `kenning optimize test report`):\n";
  constexpr std::size_t kNameWidth = 9;
  const std::string indent(2 + kNameWidth + 2, ' ');
  for (const Command& c : command_table()) {
    std::string name = c.name;
    if (name.size() < kNameWidth) name.resize(kNameWidth, ' ');
    std::string summary = c.summary;
    for (std::size_t at = summary.find('\n'); at != std::string::npos; at = summary.find('\n', at + 1)) {
      summary.insert(at + 1, indent);
    }
    text.append("  ").append(name).append("  ").append(summary).append("\n");
  }
  return text +
         "\n"
         "common options: --cfg SCENARIO.json|yaml  --measurements OUT.json  --verbosity LEVEL\n"
         "                --dataset-cls C --modelwrapper-cls C --runtime-cls C --compiler-cls C --protocol-cls C\n"
         "`kenning <command> --cfg s.json --help` lists the flags of the scenario's classes.\n";
}

std::string unknown_command_message(const std::string& word) {
  Args names;
  for (const Command& c : command_table()) names.emplace_back(c.name);
  return "unknown command '" + word + "'; expected " + join(names, "or") + " (see kenning --help)";
}

std::vector<std::string> chain_commands(const std::vector<std::string>& args, const std::string& command_text) {
  const std::string given = command_text.substr(command_text.find(' ') + 1);  // without "kenning "
  Args commands;
  int last_slot = -1;
  for (std::size_t i = 0; i < args.size() && !args[i].empty() && args[i][0] != '-'; ++i) {
    const Command* command = find_command(args[i]);
    if (!command) throw ConfigError(unknown_command_message(args[i]));
    if (!command->chains() || command->chain_slot <= last_slot) {
      throw ConfigError("commands must be chained as " + chain_pattern() + ", got '" + given + "'");
    }
    // A report needs measurements: those of the test, or the training curves.
    if (args[i] == "report" && !has(commands, "test") && !has(commands, "train")) {
      throw ConfigError("'report' in a chain comes after test or train (it reports their measurements), got '" + given +
                        "'; `kenning report --measurements ...` reports files written earlier");
    }
    last_slot = command->chain_slot;
    commands.push_back(args[i]);
  }
  return commands;
}

int run_command(const std::vector<std::string>& args, const std::string& command_text) {
  const Command* command = find_command(args.at(0));
  if (!command) {
    if (args[0].empty() || args[0][0] == '-') {
      throw ConfigError("expected a command before '" + args[0] + "' (see kenning --help)");
    }
    throw ConfigError(unknown_command_message(args[0]));
  }
  return command->handler({args.begin() + 1, args.end()}, command_text);
}

}  // namespace kenning::cli
