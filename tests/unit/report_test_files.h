// Files the report tests write and read back: measurements JSON in, the
// report's text and the images it links out.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenning::testing {

inline std::filesystem::path write_json(const std::filesystem::path& p, const nlohmann::json& j) {
  std::ofstream(p) << j.dump();
  return p;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The targets of the Markdown's images, in order.
inline std::vector<std::string> image_links(const std::string& md) {
  std::vector<std::string> links;
  const std::regex image(R"(!\[[^\]]*\]\(([^)]+)\))");
  for (auto it = std::sregex_iterator(md.begin(), md.end(), image); it != std::sregex_iterator(); ++it) {
    links.push_back((*it)[1]);
  }
  return links;
}

}  // namespace kenning::testing
