// Entry point of the `kenning` command: hands the command line to the
// command table (command_table.h) and maps every error category to its exit
// code, printing one line that says what was wrong.
#include <iostream>
#include <string>
#include <vector>

#include "command_table.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/logging.h"

int main(int argc, char** argv) {
  kenning::init_logging();
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command_text = "kenning";
  for (const auto& a : args) command_text += " " + a;

  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kenning::cli::usage_text();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "kenning-cpp " << KENNING_VERSION << " (" << KENNING_GIT_SHA << ")\n";
    return 0;
  }
  try {
    return kenning::cli::run_command(args, command_text);
  } catch (const kenning::Error& e) {
    std::cerr << "kenning: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "kenning: internal error: " << e.what() << "\n";
    return 70;
  }
}
