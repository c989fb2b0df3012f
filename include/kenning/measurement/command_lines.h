// The `command` of a measurements file. Upstream Kenning writes it as a list
// of display lines, one word per line with shell continuations
// (["kenning \\", "    test \\", "    --cfg \\", "        s.json"]), and its
// report refuses a plain string; older kenning-cpp files hold one string.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenning {

// `command` as upstream lays it out: the program, then each subcommand and
// flag indented by 4, each flag's values by 8, every line but the last
// ending in " \".
nlohmann::json command_display_lines(const std::vector<std::string>& words);

// The words of a command line kept as one string (split at spaces).
std::vector<std::string> command_words(const std::string& command_line);

// The command as one line, from either form (list of display lines or a
// string); empty for anything else.
std::string command_text_of(const nlohmann::json& command);

}  // namespace kenning
