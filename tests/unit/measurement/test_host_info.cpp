// host_context(): every key present, each value of the right kind and
// consistent with what the test reads from the system itself.
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "kenning/config.h"
#include "measurement/host_info.h"

namespace {

TEST(HostInfo, HasEveryKey) {
  const nlohmann::json ctx = kenning::host_context();
  for (const char* key : {"cpu_model", "logical_cores", "memory_total_bytes", "os", "kernel", "hostname", "compiler",
                          "build_type", "git_sha", "kenning_version", "date", "cpu_scaling_governor", "load_average"}) {
    EXPECT_TRUE(ctx.contains(key)) << key;
  }
  EXPECT_NO_THROW((void)ctx.dump());
}

TEST(HostInfo, CoresAndMemoryMatchTheSystem) {
  const nlohmann::json ctx = kenning::host_context();
  ASSERT_TRUE(ctx["logical_cores"].is_number_unsigned()) << ctx["logical_cores"];
  EXPECT_EQ(ctx["logical_cores"].get<unsigned>(), std::thread::hardware_concurrency());

  ASSERT_TRUE(ctx["memory_total_bytes"].is_number_unsigned()) << ctx["memory_total_bytes"];
  // sysconf reads the same kernel counter through sysinfo(2); allow rounding.
  const double expected = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  const double actual = ctx["memory_total_bytes"].get<double>();
  EXPECT_NEAR(actual / expected, 1.0, 0.01);
}

TEST(HostInfo, StringsAreFilledIn) {
  const nlohmann::json ctx = kenning::host_context();
  for (const char* key : {"cpu_model", "os", "kernel", "hostname", "compiler", "build_type", "git_sha",
                          "kenning_version", "cpu_scaling_governor"}) {
    ASSERT_TRUE(ctx[key].is_string()) << key;
    EXPECT_FALSE(ctx[key].get<std::string>().empty()) << key;
  }
  EXPECT_EQ(ctx["kernel"].get<std::string>().rfind("Linux ", 0), 0u) << ctx["kernel"];
  if (std::filesystem::exists("/etc/os-release")) {
    EXPECT_NE(ctx["os"], "unknown");
  }
  EXPECT_NE(ctx["os"].get<std::string>().find_first_of("\"'"), 0u) << "quotes left in";
  EXPECT_TRUE(std::regex_search(ctx["compiler"].get<std::string>(), std::regex("^(g\\+\\+|clang) ")))
      << ctx["compiler"];
  EXPECT_EQ(ctx["kenning_version"], KENNING_VERSION);
}

TEST(HostInfo, DateIsIso8601Utc) {
  const std::string date = kenning::host_context()["date"].get<std::string>();
  EXPECT_TRUE(std::regex_match(date, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)"))) << date;
  EXPECT_GE(std::stoi(date.substr(0, 4)), 2024) << date;
}

TEST(HostInfo, LoadAverageIsThreeNonNegativeNumbersOrUnknown) {
  const nlohmann::json load = kenning::host_context()["load_average"];
  if (load.is_string()) {
    EXPECT_EQ(load, "unknown");
    return;
  }
  ASSERT_TRUE(load.is_array()) << load;
  ASSERT_EQ(load.size(), 3u);
  for (const auto& v : load) {
    ASSERT_TRUE(v.is_number()) << v;
    EXPECT_GE(v.get<double>(), 0.0);
  }
}

}  // namespace
