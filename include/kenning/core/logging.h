// Logging goes through spdlog to stderr. The level comes from --verbosity or
// the KENNING_LOG_LEVEL environment variable (DEBUG, INFO, WARNING, ERROR,
// CRITICAL), default INFO.
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace kenning {

// Throws ConfigError on an unknown level name.
void set_log_level(const std::string& level);
void init_logging();

}  // namespace kenning
