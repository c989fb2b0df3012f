// The measurement keys: unique, described, and the docs' table is current.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"
#include "measurement/keys_table.h"

namespace kenning {
namespace {

TEST(MeasurementKeys, AreUniqueAndDescribed) {
  std::set<std::string_view> seen;
  for (const MeasurementKey& k : keys::all) {
    EXPECT_TRUE(seen.insert(k).second) << "duplicate key " << k;
    EXPECT_FALSE(k.doc.empty()) << k;
  }
  for (const MeasurementKeyFamily& f : keys::all_families) {
    EXPECT_TRUE(seen.insert(f).second) << "duplicate family " << f;
    EXPECT_EQ(f.back(), '/') << f;
  }
}

TEST(MeasurementKeys, DocsTableIsCurrent) {
  const std::string path = std::string(KENNING_TEST_SOURCE_DIR) + "/docs/measurements.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(with_measurement_keys_table(text.str(), path), text.str())
      << path << " is stale: run scripts/update-docs.sh";
}

TEST(MeasurementKeys, TableReplacesOnlyTheMarkedSection) {
  const std::string doc = "intro\n<!-- measurement-keys:begin -->\nstale row\n<!-- measurement-keys:end -->\nrest\n";
  const std::string out = with_measurement_keys_table(doc, "d.md");
  EXPECT_EQ(out.rfind("intro\n<!-- measurement-keys:begin -->\n| Key |", 0), 0u) << out;
  EXPECT_NE(out.find("| `accuracy` | classification: fraction correct |\n"), std::string::npos);
  EXPECT_NE(out.find("| `eval_det/<class>` |"), std::string::npos);
  EXPECT_EQ(out.find("stale row"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 35), "<!-- measurement-keys:end -->\nrest\n");
  EXPECT_THROW(with_measurement_keys_table("no markers", "d.md"), ConfigError);
}

}  // namespace
}  // namespace kenning
