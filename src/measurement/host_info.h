// Facts about the machine and build a measurement was taken on, recorded with
// every run so numbers can be compared honestly.
#pragma once

#include <nlohmann/json.hpp>

namespace kenning {

// {cpu_model, logical_cores, memory_total_bytes, os, kernel, hostname,
//  compiler, build_type, git_sha, kenning_version, date}
nlohmann::json host_context();

}  // namespace kenning
