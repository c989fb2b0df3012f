// Pieces of gnuplot scripts that every figure of a report uses: numbers,
// inline data blocks, quoted labels and run colours.
#pragma once

#include <string>
#include <vector>

namespace kenning {

// Colour of run (or series) i, from a colour-blind safe palette.
std::string colour(std::size_t i);

// A number as gnuplot reads it; NaN for anything not finite (a gap).
std::string num(double v);

// An inline data block `$name << EOD ... EOD`: one row per index of the
// columns, which must be equally long.
std::string datablock(const std::string& name, const std::vector<std::vector<double>>& columns);

// A gnuplot double-quoted string of several lines.
std::string gp_quote_lines(const std::vector<std::string>& lines);

// `set xtics ("name" first, "name" first+1, ...)`.
std::string xtics(const std::vector<std::string>& names, double first = 0);

}  // namespace kenning
