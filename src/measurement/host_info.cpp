// Host and build context recorded with every measurement, in the spirit of
// Google Benchmark's JSON "context". Every probe degrades to "unknown": a
// missing /proc or /sys file must never fail a benchmark run.
#include "measurement/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

#include "kenning/config.h"
#include "measurement/peak_probe.h"

namespace kenning {
namespace {

constexpr const char* kUnknown = "unknown";

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// Value after the first `separator` on the first line of `path` starting with
// `key`, trimmed; empty when the file or the key is missing.
std::string find_field(const char* path, const std::string& key, char separator) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const auto sep = line.find(separator, key.size());
    if (sep == std::string::npos) continue;
    // Require the key to end at the separator ("MemTotal:" not "MemTotalX:").
    if (!trim(line.substr(key.size(), sep - key.size())).empty()) continue;
    return trim(line.substr(sep + 1));
  }
  return "";
}

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

nlohmann::json or_unknown(const std::string& value) {
  return value.empty() ? nlohmann::json(kUnknown) : nlohmann::json(value);
}

nlohmann::json cpu_model() { return or_unknown(find_field("/proc/cpuinfo", "model name", ':')); }

nlohmann::json memory_total_bytes() {
  // "MemTotal:       16318048 kB"
  const std::string value = find_field("/proc/meminfo", "MemTotal", ':');
  try {
    const unsigned long long kib = std::stoull(value);
    return kib * 1024ULL;
  } catch (const std::exception&) {
    return kUnknown;
  }
}

nlohmann::json os_name() {
  std::string value = find_field("/etc/os-release", "PRETTY_NAME", '=');
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return or_unknown(value);
}

nlohmann::json kernel() {
  struct utsname u {};
  if (uname(&u) != 0) return kUnknown;
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

nlohmann::json hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return kUnknown;
  return or_unknown(buf);
}

std::string compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return kUnknown;
#endif
}

std::string iso8601_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Frequency scaling skews timings (Google Benchmark warns about it too).
nlohmann::json scaling_governor() {
  return or_unknown(first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
}

nlohmann::json load_average() {
  double loads[3] = {};
  if (getloadavg(loads, 3) != 3) return kUnknown;
  return nlohmann::json::array({loads[0], loads[1], loads[2]});
}

}  // namespace

nlohmann::json host_context() {
  nlohmann::json j = nlohmann::json::object();
  j["cpu_model"] = cpu_model();
  const unsigned cores = std::thread::hardware_concurrency();
  j["logical_cores"] = cores == 0 ? nlohmann::json(kUnknown) : nlohmann::json(cores);
  j["memory_total_bytes"] = memory_total_bytes();
  j["os"] = os_name();
  j["kernel"] = kernel();
  j["hostname"] = hostname();
  j["compiler"] = compiler();
  j["build_type"] = or_unknown(KENNING_BUILD_TYPE);
  j["git_sha"] = or_unknown(KENNING_GIT_SHA);
  j["kenning_version"] = or_unknown(KENNING_VERSION);
  j["date"] = iso8601_utc_now();
  j["cpu_scaling_governor"] = scaling_governor();
  j["load_average"] = load_average();
  const PeakProbe& peak = single_core_peak();
  j["peak_gflops_single_core"] = peak.gflops;
  j["peak_probe_isa"] = peak.isa;
  return j;
}

}  // namespace kenning
