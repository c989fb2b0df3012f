// The `kenning` subcommands in one table. The usage text, the dispatch and
// the unknown-command error are all made from it, so they cannot drift.
#pragma once

#include <string>
#include <vector>

namespace kenning::cli {

// Runs a command: `args` are the words after its name, `command_text` the
// whole command line (recorded in the measurements). Returns the exit code.
using CommandHandler = int (*)(const std::vector<std::string>& args, const std::string& command_text);

struct Command {
  const char* name;
  // The usage line: what it does and how it is called. A '\n' continues it
  // on an indented line.
  const char* summary;
  // Place in a chain `[train | optimize] [test] [report]`: the commands of
  // one slot exclude each other and slots come in increasing order; -1: the
  // command runs alone. A chain starts with the first word's handler.
  int chain_slot;
  CommandHandler handler;

  bool chains() const { return chain_slot >= 0; }
};

// Every subcommand, in the order `kenning --help` lists them.
const std::vector<Command>& command_table();

// nullptr when `name` is no command.
const Command* find_command(const std::string& name);

// What `kenning --help` (and `kenning` alone) prints.
std::string usage_text();

// "unknown command 'tset'; expected train, optimize, ... or info (see kenning --help)".
std::string unknown_command_message(const std::string& word);

// The leading command words of `args` (args[0] is a chaining command),
// checked against the chain rules; ConfigError when they break one.
std::vector<std::string> chain_commands(const std::vector<std::string>& args, const std::string& command_text);

// Runs `kenning <args>` (args not empty): finds the command named by args[0]
// and calls its handler. Throws kenning::Error for bad input.
int run_command(const std::vector<std::string>& args, const std::string& command_text);

}  // namespace kenning::cli
