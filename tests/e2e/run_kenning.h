// Runs the built `kenning` binary as a user would and captures what it says.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `kenning <args>` from the source tree with a bounded time (timeout(1)).
inline CommandResult run_kenning(const std::vector<std::string>& args, int timeout_s = 600) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() / ("kenning-e2e-io-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto out = dir / ("out" + std::to_string(counter));
  const auto err = dir / ("err" + std::to_string(counter++));
  std::string cmd = "cd " + shell_quote(KENNING_TEST_SOURCE_DIR) + " && timeout " + std::to_string(timeout_s) + " " +
                    shell_quote(std::string(KENNING_TEST_BINARY_DIR) + "/bin/kenning");
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}
