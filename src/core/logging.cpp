// spdlog setup: one default logger on stderr (stdout is left to results), with
// Kenning's level names.
#include "kenning/core/logging.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <utility>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "kenning/core/error.h"

namespace kenning {
namespace {

constexpr std::array<std::pair<const char*, spdlog::level::level_enum>, 5> kLevels = {{
    {"DEBUG", spdlog::level::debug},
    {"INFO", spdlog::level::info},
    {"WARNING", spdlog::level::warn},
    {"ERROR", spdlog::level::err},
    {"CRITICAL", spdlog::level::critical},
}};

// `where` names the source of the value in the error ("--verbosity",
// "KENNING_LOG_LEVEL").
spdlog::level::level_enum parse_level(const std::string& level, const std::string& where) {
  std::string upper = level;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const auto& [name, value] : kLevels) {
    if (upper == name) return value;
  }
  throw ConfigError(where + ": expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got '" + level + "'");
}

}  // namespace

void set_log_level(const std::string& level) { spdlog::set_level(parse_level(level, "--verbosity")); }

void init_logging() {
  // Safe to call more than once: the default logger is simply replaced.
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("kenning", std::move(sink));
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_default_logger(std::move(logger));

  spdlog::set_level(spdlog::level::info);
  if (const char* env = std::getenv("KENNING_LOG_LEVEL"); env != nullptr && *env != '\0') {
    // A stale environment variable should not stop the tool: warn, keep INFO.
    try {
      spdlog::set_level(parse_level(env, "KENNING_LOG_LEVEL"));
    } catch (const ConfigError& e) {
      spdlog::warn("{}; using INFO", e.what());
    }
  }
}

}  // namespace kenning
