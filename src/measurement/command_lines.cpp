#include "kenning/measurement/command_lines.h"

#include <sstream>

namespace kenning {

std::vector<std::string> command_words(const std::string& command_line) {
  std::vector<std::string> words;
  std::istringstream in(command_line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

nlohmann::json command_display_lines(const std::vector<std::string>& words) {
  nlohmann::json lines = nlohmann::json::array();
  bool after_flag = false;  // the words after a flag are its values
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool flag = w.size() > 1 && w[0] == '-';
    std::string indent = i == 0 ? "" : (after_flag && !flag ? "        " : "    ");
    if (flag) after_flag = true;
    lines.push_back(indent + w + (i + 1 < words.size() ? " \\" : ""));
  }
  return lines;
}

std::string command_text_of(const nlohmann::json& command) {
  if (command.is_string()) return command.get<std::string>();
  if (!command.is_array()) return "";
  std::string text;
  for (const auto& line : command) {
    if (!line.is_string()) return "";
    std::string word = line.get<std::string>();
    const auto first = word.find_first_not_of(' ');
    word = first == std::string::npos ? "" : word.substr(first);
    if (word.size() >= 2 && word.compare(word.size() - 2, 2, " \\") == 0) word.resize(word.size() - 2);
    if (word.empty()) continue;
    text += (text.empty() ? "" : " ") + word;
  }
  return text;
}

}  // namespace kenning
