// The CLI's own options, declared through ParamSchema: their defaults, the
// values given, and errors that name the flag and what it expects.
#include <gtest/gtest.h>

#include "command_line.h"
#include "kenning/core/error.h"

namespace kenning::cli {
namespace {

ScenarioCommand parse(const std::vector<std::string>& commands, const std::vector<std::string>& args) {
  std::string text = "kenning";
  for (const auto& w : commands) text += " " + w;
  for (const auto& a : args) text += " " + a;
  return parse_scenario_command(commands, args, text);
}

std::string parse_error(const std::vector<std::string>& commands, const std::vector<std::string>& args) {
  try {
    parse(commands, args);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CliOptions, TestFlagsDefaultToTheLoadSettings) {
  const ScenarioCommand cmd = parse({"test"}, {});
  EXPECT_EQ(cmd.test.test_mode, "accuracy");
  EXPECT_EQ(cmd.test.min_duration, LoadSettings{}.min_duration_s);
  EXPECT_EQ(cmd.test.min_query_count, 1024);
  EXPECT_EQ(static_cast<std::uint64_t>(cmd.test.test_seed), LoadSettings{}.seed);
  EXPECT_EQ(cmd.test.target_benchmark_warmup, 10);
  EXPECT_FALSE(cmd.evaluate_unoptimized);
}

TEST(CliOptions, GivenValuesAreBound) {
  const ScenarioCommand cmd = parse({"optimize", "test", "report"},
                                    {"--test-mode", "offline", "--offline-batch-size=64", "--min-duration", "0.5",
                                     "--evaluate-unoptimized", "--measurements", "m.json", "--report-path", "r.md",
                                     "--report-types", "performance,classification", "--to-html"});
  EXPECT_EQ(cmd.test.test_mode, "offline");
  EXPECT_EQ(cmd.test.offline_batch_size, 64);
  EXPECT_DOUBLE_EQ(cmd.test.min_duration, 0.5);
  EXPECT_TRUE(cmd.evaluate_unoptimized);
  EXPECT_EQ(cmd.measurements_path.string(), "m.json");
  EXPECT_EQ(cmd.report.report_path.string(), "r.md");
  EXPECT_EQ(cmd.report.report_types, (std::vector<std::string>{"performance", "classification"}));
  EXPECT_TRUE(cmd.report.to_html);
  EXPECT_FALSE(cmd.report.no_plots);
}

TEST(CliOptions, AMisspeltValueNamesTheFlagAndWhatWasExpected) {
  EXPECT_EQ(parse_error({"test"}, {"--test-mode", "singel-stream"}),
            "--test-mode: expected one of: accuracy, single-stream, offline, got \"singel-stream\" (string)");
  EXPECT_EQ(parse_error({"test"}, {"--min-query-count", "many"}), "--min-query-count: expected an integer, got 'many'");
  EXPECT_EQ(parse_error({"test"}, {"--min-query-count", "0"}),
            "--min-query-count: expected integer >= 1, got 0 (integer)");
  EXPECT_EQ(parse_error({"test"}, {"--target-benchmark-runs", "-1"}),
            "--target-benchmark-runs: expected integer in [0, 1000000], got -1 (integer)");
  // A list's items are checked against the declaration too.
  EXPECT_EQ(parse_error({"test", "report"}, {"--report-path", "r.md", "--report-types", "performance,clasification"}),
            "--report-types[1]: expected one of: performance, classification, detection, training, "
            "got \"clasification\" (string)");
}

TEST(CliOptions, AMisspeltFlagNamesItAndTheFlagMeant) {
  const std::string error = parse_error({"test"}, {"--test-mod", "offline"});
  EXPECT_EQ(error, "command line: --test-mod: unknown option; did you mean --test-mode? (see kenning test --help)");
  // Nothing close: CLI11's own words, still naming the flag.
  EXPECT_NE(parse_error({"test"}, {"--no-such-flag", "1"}).find("--no-such-flag"), std::string::npos);
}

TEST(CliOptions, OptionsOfOtherCommandsAreRefused) {
  // --evaluate-unoptimized belongs to `optimize test`, the test flags to `test`.
  EXPECT_NE(parse_error({"test"}, {"--evaluate-unoptimized"}).find("--evaluate-unoptimized"), std::string::npos);
  EXPECT_NE(parse_error({"train"}, {"--test-mode", "offline"}).find("--test-mode"), std::string::npos);
  EXPECT_NE(parse_error({"test", "report"}, {}).find("--report-path is required"), std::string::npos);
}

}  // namespace
}  // namespace kenning::cli
