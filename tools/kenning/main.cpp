// Entry point of the `kenning` command: picks the subcommand(s) and maps every
// error category to its exit code, printing one line that says what was wrong.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/logging.h"

namespace {

const char* const kUsage =
    "usage: kenning <command> [<command> ...] [options]\n"
    "\n"
    "commands (train, optimize, test and report can be chained, e.g. `kenning optimize test report`):\n"
    "  train      train the model wrapper on the dataset and save it\n"
    "  optimize   run the scenario's optimizers on the model\n"
    "  test       run the model on the dataset's test split and measure it\n"
    "  infer      run a model on .npy inputs: kenning infer --model m.onnx --input a.npy --output-dir out/\n"
    "  onnx-conversion  export models to ONNX/TorchScript, run them in every runtime, write the support matrix\n"
    "  flow       run a flow of data providers, model runners and output collectors: kenning flow --cfg flow.json\n"
    "  report     render measurements as a report with plots: kenning report --measurements a.json [b.json ...] --report-path r.md [--to-html];\n"
    "             after test or train in a chain, the report of that run\n"
    "  server     serve remote runs on this target: kenning server --cfg scenarios/server.json\n"
    "  list       list the classes of every family: kenning list [family]\n"
    "  info       describe a class and its parameters: kenning info <class>\n"
    "\n"
    "common options: --cfg SCENARIO.json|yaml  --measurements OUT.json  --verbosity LEVEL\n"
    "                --dataset-cls C --modelwrapper-cls C --runtime-cls C --compiler-cls C --protocol-cls C\n"
    "`kenning <command> --cfg s.json --help` lists the flags of the scenario's classes.\n";

const std::vector<std::string> kChainable = {"train", "optimize", "test", "report"};

}  // namespace

int main(int argc, char** argv) {
  kenning::init_logging();
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command_text = "kenning";
  for (const auto& a : args) command_text += " " + a;

  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "kenning-cpp " << KENNING_VERSION << " (" << KENNING_GIT_SHA << ")\n";
    return 0;
  }
  try {
    if (args[0] == "list") return kenning::cli::run_list({args.begin() + 1, args.end()});
    if (args[0] == "info") return kenning::cli::run_info({args.begin() + 1, args.end()});
    if (args[0] == "onnx-conversion") return kenning::cli::run_onnx_conversion({args.begin() + 1, args.end()});
    if (args[0] == "report") return kenning::cli::run_report({args.begin() + 1, args.end()});
    if (args[0] == "server") return kenning::cli::run_server({args.begin() + 1, args.end()}, command_text);
    if (args[0] == "flow") return kenning::cli::run_flow({args.begin() + 1, args.end()});
    if (args[0] == "infer") return kenning::cli::run_infer({args.begin() + 1, args.end()}, command_text);

    // Leading words form the chain; they must come in train/optimize/test order.
    std::vector<std::string> commands;
    std::size_t i = 0;
    int last_rank = -1;
    for (; i < args.size() && !args[i].empty() && args[i][0] != '-'; ++i) {
      const auto it = std::find(kChainable.begin(), kChainable.end(), args[i]);
      if (it == kChainable.end()) {
        throw kenning::ConfigError("unknown command '" + args[i] +
                                   "'; expected train, optimize, test, infer, flow, server, onnx-conversion, list or info (see kenning --help)");
      }
      const int rank = static_cast<int>(it - kChainable.begin());
      if (rank <= last_rank || (rank == 1 && last_rank == 0)) {
        throw kenning::ConfigError("commands must be chained as [train | optimize] [test] [report], got '" +
                                   command_text.substr(8) + "'");
      }
      // A report needs measurements: those of the test, or the training curves.
      if (args[i] == "report" && std::find(commands.begin(), commands.end(), "test") == commands.end() &&
          std::find(commands.begin(), commands.end(), "train") == commands.end()) {
        throw kenning::ConfigError("'report' in a chain comes after test or train (it reports their measurements), "
                                   "got '" + command_text.substr(8) + "'; `kenning report --measurements ...` "
                                   "reports files written earlier");
      }
      last_rank = rank;
      commands.push_back(args[i]);
    }
    if (commands.empty()) {
      throw kenning::ConfigError("expected a command before '" + args[0] + "' (see kenning --help)");
    }
    return kenning::cli::run_scenario_commands(commands, {args.begin() + i, args.end()}, command_text);
  } catch (const kenning::Error& e) {
    std::cerr << "kenning: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "kenning: internal error: " << e.what() << "\n";
    return 70;
  }
}
