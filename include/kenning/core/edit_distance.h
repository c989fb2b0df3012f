// Levenshtein distance, for the "did you mean" hints on misspelt scenario
// keys, class names and command-line options.
#pragma once

#include <cstddef>
#include <string_view>

namespace kenning {

// The fewest single-character insertions, deletions and substitutions that
// turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace kenning
