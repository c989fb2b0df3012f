// docs/measurements.md's key table, made from keys.h so the two cannot
// drift: `kenning_docs measurement-keys` writes it, a test compares it.
#pragma once

#include <string>

namespace kenning {

// Markdown rows, `| key | what it holds |`, in keys.h's order, the per-class
// families (`eval_det/<class>`) last.
std::string measurement_keys_table();

// `document` with the text between the lines `<!-- measurement-keys:begin -->`
// and `<!-- measurement-keys:end -->` replaced by measurement_keys_table();
// ConfigError naming `where` when either marker is missing.
std::string with_measurement_keys_table(const std::string& document, const std::string& where);

}  // namespace kenning
