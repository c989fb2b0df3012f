// What `kenning test` prints: the headline numbers of a run, and a run
// before against after optimization.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "kenning/measurement/measurements.h"

namespace kenning {

// One line per headline number, for the terminal.
std::string summarize_measurements(const Measurements& m);

// Before against after optimization (`--evaluate-unoptimized`): model file
// and size, accuracy and median inference time side by side, with ratios.
std::string summarize_comparison(const Measurements& before, const Measurements& after);
// The same as numbers for the measurements JSON: model_size_ratio,
// inference_time_ratio (medians) and accuracy_change (after - before), each
// only when both sides have it.
nlohmann::json compare_measurements(const Measurements& before, const Measurements& after);

}  // namespace kenning
