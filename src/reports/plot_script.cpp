#include "reports/plot_script.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "reports/gnuplot.h"

namespace kenning {

namespace {
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#F0E442", "#000000"};
}  // namespace

std::string colour(std::size_t i) { return kColours[i % std::size(kColours)]; }

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string("NaN"); }

std::string datablock(const std::string& name, const std::vector<std::vector<double>>& columns) {
  std::string out = "$" + name + " << EOD\n";
  const std::size_t rows = columns.empty() ? 0 : columns[0].size();
  out.reserve(out.size() + rows * columns.size() * 12);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out += ' ';
      out += num(columns[c][r]);
    }
    out += '\n';
  }
  return out + "EOD\n";
}

std::string gp_quote_lines(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\\n";
    for (char c : lines[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c == '\n' ? ' ' : c;
    }
  }
  return out + "\"";
}

std::string xtics(const std::vector<std::string>& names, double first) {
  std::string out = "set xtics (";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += fmt::format("{}{} {}", i ? ", " : "", gp_quote(names[i]), num(first + static_cast<double>(i)));
  }
  return out + ")";
}

}  // namespace kenning
