#include <fstream>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/measurement/command_lines.h"
#include "kenning/measurement/measurements.h"

TEST(Measurements, DerivedInferenceTimeStatistics) {
  kenning::Measurements m;
  for (double v : {0.004, 0.001, 0.003, 0.002}) m.append_timed(kenning::keys::target_inference_step, v, 100.0);
  m.compute_derived();
  EXPECT_DOUBLE_EQ(m.at("inferencetime_mean").get<double>(), 0.0025);
  EXPECT_DOUBLE_EQ(m.at("inferencetime_median").get<double>(), 0.0025);
  EXPECT_DOUBLE_EQ(m.at("inferencetime_min").get<double>(), 0.001);
  EXPECT_DOUBLE_EQ(m.at("inferencetime_max").get<double>(), 0.004);
  EXPECT_NEAR(m.at("inferencetime_std").get<double>(), 0.00111803, 1e-7);
  EXPECT_EQ(m.at("target_inference_step_timestamp").size(), 4u);
}

TEST(Measurements, ProtocolOverheadOfARemoteRun) {
  kenning::Measurements m;
  for (double v : {0.004, 0.001, 0.003}) m.append(kenning::keys::target_inference_step, v);
  for (double v : {0.0041, 0.0013, 0.0032}) m.append(kenning::keys::protocol_inference_step, v);
  m.compute_derived();
  ASSERT_EQ(m.at("protocol_overhead_step").size(), 3u);
  EXPECT_NEAR(m.at("protocol_overhead_step")[1].get<double>(), 0.0003, 1e-12);
  EXPECT_NEAR(m.at("protocol_overhead_median").get<double>(), 0.0002, 1e-12);
  // Lists of different lengths (a run cut short) have no overhead to pair up.
  m.append(kenning::keys::protocol_inference_step, 0.005);
  EXPECT_TRUE(kenning::protocol_overhead_steps(m.data()).empty());
  EXPECT_TRUE(kenning::protocol_overhead_steps(nlohmann::json{{"target_inference_step", {0.1}}}).empty());
}

TEST(Measurements, SaveIsAtomicAndFailsCleanly) {
  const auto dir = std::filesystem::temp_directory_path() / "kenning-test-measurements";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  kenning::Measurements m;
  m.set(kenning::keys::total, 1);
  m.save(dir / "m.json");
  std::ifstream in(dir / "m.json");
  EXPECT_EQ(nlohmann::json::parse(in)["total"], 1);
  EXPECT_THROW(m.save(dir / "missing" / "m.json"), kenning::IoError);
  // Only the final file is left behind, no temporaries.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST(CommandLines, WrittenAsUpstreamsDisplayLines) {
  const auto lines = kenning::command_display_lines(
      kenning::command_words("kenning test --cfg s.json --measurements out/m.json --verbose"));
  EXPECT_EQ(lines, (nlohmann::json{"kenning \\", "    test \\", "    --cfg \\", "        s.json \\",
                                   "    --measurements \\", "        out/m.json \\", "    --verbose"}));
  EXPECT_EQ(kenning::command_text_of(lines), "kenning test --cfg s.json --measurements out/m.json --verbose");
}

TEST(CommandLines, ReadFromEitherForm) {
  // Upstream's own layout, and the one string older files hold.
  const nlohmann::json upstream = {"python -m kenning.__main__ \\", "    test \\", "    --cfg \\",
                                   "        local.json"};
  EXPECT_EQ(kenning::command_text_of(upstream), "python -m kenning.__main__ test --cfg local.json");
  EXPECT_EQ(kenning::command_text_of("kenning test --cfg s.json"), "kenning test --cfg s.json");
  EXPECT_EQ(kenning::command_text_of(nlohmann::json{1, 2}), "");
  EXPECT_EQ(kenning::command_text_of(nlohmann::json::object()), "");
}
