// Plots are drawn by gnuplot (Debian's gnuplot-nox): each plot is a
// self-contained script (data inline as `$name << EOD` blocks) that writes
// one PNG through the pngcairo terminal. Scripts run as separate gnuplot
// processes, several at a time, so one bad plot names itself.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kenning {

struct PlotJob {
  std::filesystem::path output;  // the PNG the script writes
  std::string script;            // gnuplot commands after the terminal/output lines
};

// The gnuplot executable: $KENNING_GNUPLOT when set, else `gnuplot` on PATH.
// Throws NotSupported saying how to install it when there is none.
std::filesystem::path find_gnuplot();

// Runs every job, `parallel` at a time. Throws BackendError naming the plot
// and quoting gnuplot's message when a script fails or writes no image.
void run_plot_jobs(const std::vector<PlotJob>& jobs, unsigned parallel);

// A gnuplot single-quoted string literal ('' stands for ').
std::string gp_quote(std::string_view text);

// Size of every plot, in pixels.
inline constexpr int kPlotWidth = 960;
inline constexpr int kPlotHeight = 540;

}  // namespace kenning
