// `kenning flow`: runs a KenningFlow file, providers -> model runners ->
// collectors, until a provider ends, a collector asks to stop or Ctrl-C; then
// prints how long each runner worked, against the wall time of the run.
//
//   kenning flow --cfg scenarios/flow-fashion-mnist.json [--max-steps N] [--sequential]
//                [--measurements stats.json]
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "command_line.h"
#include "commands.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/logging.h"

#if KENNING_WITH_OPENCV
#include <opencv2/core/utils/logger.hpp>

#include "flow/kenning_flow.h"
#endif

namespace kenning::cli {

#if KENNING_WITH_OPENCV
namespace {

std::atomic<bool> g_interrupted{false};

// The first Ctrl-C stops the flow cleanly; a second one kills the process.
extern "C" void on_sigint(int) {
  g_interrupted = true;
  std::signal(SIGINT, SIG_DFL);
}

void print_stats(const FlowStats& stats) {
  const double sum = stats.work_sum();
  std::fprintf(stderr, "flow: %zu steps in %.3f s (%.1f steps/s), stopped: %s\n", stats.steps,
               stats.wall_seconds, stats.wall_seconds > 0 ? stats.steps / stats.wall_seconds : 0.0,
               stats.stop_reason.c_str());
  for (std::size_t i = 0; i < stats.runners.size(); ++i) {
    const auto& r = stats.runners[i];
    std::fprintf(stderr, "  %-24s work %8.3f s  (%.3f ms/step)", r.type.c_str(), r.work_seconds,
                 stats.steps ? 1e3 * r.work_seconds / stats.steps : 0.0);
    if (r.wait_seconds > 0) std::fprintf(stderr, "  waited %.3f s", r.wait_seconds);
    if (r.skipped > 0) std::fprintf(stderr, "  skipped %zu unreadable input(s)", r.skipped);
    std::fprintf(stderr, "\n");
  }
  if (sum > 0) {
    std::fprintf(stderr, "  sum of runner work %.3f s; wall / sum = %.3f (%+.1f %%)\n", sum,
                 stats.wall_seconds / sum, 100.0 * (stats.wall_seconds / sum - 1.0));
  }
}

void write_stats(const FlowStats& stats, const std::filesystem::path& path) {
  const auto partial = path.string() + ".partial";
  {
    std::ofstream out(partial);
    out << stats.to_json().dump(2) << "\n";
    if (!out) throw IoError("--measurements " + path.string() + ": cannot write");
  }
  std::filesystem::rename(partial, path);
}

}  // namespace
#endif

int run_flow(const std::vector<std::string>& args) {
  CLI::App app("kenning flow: run a flow of data providers, model runners and output collectors", "kenning flow");
  std::filesystem::path cfg, measurements;
  std::string verbosity;
  std::size_t max_steps = 0;
  bool sequential = false;
  app.add_option("--cfg", cfg, "Flow file (.json, .yml): a list of {type, parameters, inputs, outputs}")
      ->required();
  app.add_option("--max-steps", max_steps, "Stop after this many steps (frames); 0: no limit");
  app.add_flag("--sequential", sequential, "Decode on the main thread instead of beside inference");
  app.add_option("--measurements", measurements, "Write the run's timings as JSON here");
  app.add_option("--verbosity", verbosity, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
  if (const int rc = parse_or_exit(app, args); rc >= 0) return rc;
  if (!verbosity.empty()) set_log_level(verbosity);
#if KENNING_WITH_OPENCV
  // OpenCV's own warnings (e.g. every capture backend tried on a missing
  // camera) would bury the one-line error; --verbosity DEBUG shows them.
  if (verbosity != "DEBUG" && verbosity != "debug") {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  }
  if (!measurements.empty() && !measurements.parent_path().empty() &&
      !std::filesystem::is_directory(measurements.parent_path())) {
    throw IoError("--measurements " + measurements.string() + ": folder does not exist");
  }
  KenningFlow flow(load_flow(cfg), FlowOptions{!sequential, max_steps}, g_interrupted);
  g_interrupted = false;
  std::signal(SIGINT, on_sigint);
  const FlowStats stats = flow.run();
  std::signal(SIGINT, SIG_DFL);
  print_stats(stats);
  if (!measurements.empty()) write_stats(stats, measurements);
  return 0;
#else
  throw NotSupported("kenning flow: built without KENNING_WITH_OPENCV (frames need OpenCV)");
#endif
}

}  // namespace kenning::cli
