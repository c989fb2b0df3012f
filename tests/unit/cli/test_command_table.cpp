// The command table: every subcommand has what the usage, the dispatch and
// the errors are made from, and they list the same commands.
#include <gtest/gtest.h>

#include "command_table.h"
#include "kenning/core/error.h"

namespace kenning::cli {
namespace {

// The message of the ConfigError that `f` throws ("" when none).
template <class F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CommandTable, EveryCommandHasANameASummaryAndAHandler) {
  ASSERT_FALSE(command_table().empty());
  for (const Command& c : command_table()) {
    ASSERT_NE(c.name, nullptr);
    EXPECT_NE(std::string(c.name), "");
    ASSERT_NE(c.summary, nullptr) << c.name;
    EXPECT_NE(std::string(c.summary), "") << c.name;
    EXPECT_NE(c.handler, nullptr) << c.name;
    EXPECT_EQ(find_command(c.name), &c) << c.name;
  }
  EXPECT_EQ(find_command("tset"), nullptr);
}

TEST(CommandTable, TheChainingCommandsAreTrainOptimizeTestAndReport) {
  std::vector<std::string> chaining;
  for (const Command& c : command_table()) {
    if (c.chains()) chaining.emplace_back(c.name);
  }
  EXPECT_EQ(chaining, (std::vector<std::string>{"train", "optimize", "test", "report"}));
  EXPECT_EQ(find_command("train")->chain_slot, find_command("optimize")->chain_slot);
}

TEST(CommandTable, UsageListsEveryCommandWithItsSummary) {
  const std::string usage = usage_text();
  for (const Command& c : command_table()) {
    const std::string line = "\n  " + std::string(c.name) + " ";
    EXPECT_NE(usage.find(line), std::string::npos) << c.name << "\n" << usage;
    const std::string summary = c.summary;
    EXPECT_NE(usage.find(summary.substr(0, summary.find('\n'))), std::string::npos) << c.name;
  }
  EXPECT_NE(usage.find("train, optimize, test and report can be chained"), std::string::npos) << usage;
  // A summary's second line is indented under the first.
  EXPECT_NE(usage.find(";\n             after test or train in a chain"), std::string::npos) << usage;
}

TEST(CommandTable, AnUnknownCommandsErrorListsEveryCommand) {
  const std::string error = config_error([] { run_command({"tset"}, "kenning tset"); });
  ASSERT_NE(error, "");
  const std::string head = "unknown command 'tset'; expected ", tail = " (see kenning --help)";
  ASSERT_EQ(error.rfind(head, 0), 0u) << error;
  ASSERT_EQ(error.substr(error.size() - tail.size()), tail) << error;
  // "a, b, ... or z" -> {a, b, ..., z}: exactly the table's commands, in order.
  std::string list = error.substr(head.size(), error.size() - head.size() - tail.size());
  list.replace(list.rfind(" or "), 4, ", ");
  std::vector<std::string> listed;
  for (std::size_t begin = 0, end = 0; end != std::string::npos; begin = end + 2) {
    end = list.find(", ", begin);
    listed.push_back(list.substr(begin, end - begin));
  }
  std::vector<std::string> names;
  for (const Command& c : command_table()) names.emplace_back(c.name);
  EXPECT_EQ(listed, names) << error;
  EXPECT_EQ(error, unknown_command_message("tset"));
}

TEST(CommandTable, AnOptionBeforeAnyCommandIsRefused) {
  EXPECT_EQ(config_error([] {
              run_command({"--cfg", "s.json"}, "kenning --cfg s.json");
            }),
            "expected a command before '--cfg' (see kenning --help)");
}

TEST(CommandTable, ChainsStopAtTheFirstOption) {
  EXPECT_EQ(
      chain_commands({"optimize", "test", "report", "--cfg", "s.json"}, "kenning optimize test report --cfg s.json"),
      (std::vector<std::string>{"optimize", "test", "report"}));
  EXPECT_EQ(chain_commands({"train", "--cfg", "test"}, "kenning train --cfg test"),
            (std::vector<std::string>{"train"}));
}

TEST(CommandTable, ChainsOutOfOrderAreRefused) {
  const char* order = "commands must be chained as [train | optimize] [test] [report], got '";
  EXPECT_EQ(config_error([] {
              chain_commands({"test", "train"}, "kenning test train");
            }),
            std::string(order) + "test train'");
  EXPECT_EQ(config_error([] {
              chain_commands({"train", "optimize"}, "kenning train optimize");
            }),
            std::string(order) + "train optimize'");
  EXPECT_EQ(config_error([] {
              chain_commands({"test", "test"}, "kenning test test");
            }),
            std::string(order) + "test test'");
  // A command that runs alone cannot join a chain.
  EXPECT_EQ(config_error([] {
              chain_commands({"test", "infer"}, "kenning test infer");
            }),
            std::string(order) + "test infer'");
  EXPECT_NE(config_error([] {
              chain_commands({"test", "tset"}, "kenning test tset");
            }).find("unknown command 'tset'"),
            std::string::npos);
}

TEST(CommandTable, AReportInAChainNeedsATestOrATraining) {
  const std::string error = config_error([] { chain_commands({"optimize", "report"}, "kenning optimize report"); });
  EXPECT_EQ(error.rfind("'report' in a chain comes after test or train", 0), 0u) << error;
  EXPECT_NE(error.find("got 'optimize report'"), std::string::npos) << error;
  EXPECT_EQ(chain_commands({"train", "report"}, "kenning train report"), (std::vector<std::string>{"train", "report"}));
}

}  // namespace
}  // namespace kenning::cli
