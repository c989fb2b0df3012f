// The `kenning` subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace kenning::cli {

int run_list(const std::vector<std::string>& args);
int run_info(const std::vector<std::string>& args);
// Runs a model on .npy inputs and writes its outputs as .npy.
int run_infer(const std::vector<std::string>& args, const std::string& command_text);
// Exports models to every format and runtime and writes the support matrix.
int run_onnx_conversion(const std::vector<std::string>& args);
// Renders measurements files as a Markdown report (several: a comparison).
int run_report(const std::vector<std::string>& args);
// Target side of remote runs: serves clients with the scenario's runtime.
int run_server(const std::vector<std::string>& args, const std::string& command_text);
// Runs a flow file: data providers -> model runners -> output collectors.
int run_flow(const std::vector<std::string>& args);
// train / optimize / test, alone or chained.
int run_scenario_commands(const std::vector<std::string>& commands, const std::vector<std::string>& args,
                          const std::string& command_text);

}  // namespace kenning::cli
