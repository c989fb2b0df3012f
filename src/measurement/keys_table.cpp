#include "measurement/keys_table.h"

#include "kenning/core/error.h"
#include "kenning/measurement/keys.h"

namespace kenning {

namespace {

constexpr const char* kBegin = "<!-- measurement-keys:begin -->\n";
constexpr const char* kEnd = "<!-- measurement-keys:end -->";

std::string row(std::string_view key, std::string_view doc) {
  return "| `" + std::string(key) + "` | " + std::string(doc) + " |\n";
}

}  // namespace

std::string measurement_keys_table() {
  std::string out = "| Key | What it holds |\n|---|---|\n";
  for (const MeasurementKey& k : keys::all) out += row(k, k.doc);
  for (const MeasurementKeyFamily& f : keys::all_families) out += row(std::string(f) + "<class>", f.doc);
  return out;
}

std::string with_measurement_keys_table(const std::string& document, const std::string& where) {
  const std::size_t begin = document.find(kBegin);
  const std::size_t end = begin == std::string::npos ? begin : document.find(kEnd, begin);
  if (end == std::string::npos) {
    throw ConfigError(where + ": expected the lines '" + std::string(kBegin, std::string(kBegin).size() - 1) +
                      "' and '" + kEnd + "' around the key table");
  }
  const std::size_t body = begin + std::string(kBegin).size();
  return document.substr(0, body) + measurement_keys_table() + document.substr(end);
}

}  // namespace kenning
