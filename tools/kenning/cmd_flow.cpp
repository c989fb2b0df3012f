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
#include "schema_flags.h"

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
  std::fprintf(stderr, "flow: %zu steps in %.3f s (%.1f steps/s), stopped: %s\n", stats.steps, stats.wall_seconds,
               stats.wall_seconds > 0 ? stats.steps / stats.wall_seconds : 0.0, stats.stop_reason.c_str());
  for (std::size_t i = 0; i < stats.runners.size(); ++i) {
    const auto& r = stats.runners[i];
    std::fprintf(stderr, "  %-24s work %8.3f s  (%.3f ms/step)", r.type.c_str(), r.work_seconds,
                 stats.steps ? 1e3 * r.work_seconds / stats.steps : 0.0);
    if (r.wait_seconds > 0) std::fprintf(stderr, "  waited %.3f s", r.wait_seconds);
    if (r.skipped > 0) std::fprintf(stderr, "  skipped %zu unreadable input(s)", r.skipped);
    std::fprintf(stderr, "\n");
  }
  if (sum > 0) {
    std::fprintf(stderr, "  sum of runner work %.3f s; wall / sum = %.3f (%+.1f %%)\n", sum, stats.wall_seconds / sum,
                 100.0 * (stats.wall_seconds / sum - 1.0));
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

namespace {

struct FlowFlags {
  std::filesystem::path cfg;
  std::int64_t max_steps = 0;
  bool sequential = false;
  std::filesystem::path measurements;
  std::string verbosity;
  static const ParamSchema<FlowFlags>& schema() {
    static const auto s =
        ParamSchema<FlowFlags>("flow", "Options of `kenning flow`")
            .field("cfg", &FlowFlags::cfg, "Flow file (.json, .yml): a list of {type, parameters, inputs, outputs}")
            .required()
            .field("max_steps", &FlowFlags::max_steps, "Stop after this many steps (frames); 0: no limit")
            .at_least(0)
            .field("sequential", &FlowFlags::sequential, "Decode on the main thread instead of beside inference")
            .field("measurements", &FlowFlags::measurements, "Write the run's timings as JSON here")
            .field("verbosity", &FlowFlags::verbosity, "DEBUG, INFO, WARNING, ERROR or CRITICAL");
    return s;
  }
};

}  // namespace

int run_flow(const std::vector<std::string>& args) {
  CLI::App app("kenning flow: run a flow of data providers, model runners and output collectors", "kenning flow");
  SchemaFlags<FlowFlags> flow_flags(FlowFlags::schema());
  flow_flags.add_to(app);
  if (const int rc = parse_or_exit(app, args); rc >= 0) return rc;
  const FlowFlags flags = flow_flags.values();
  const std::string& verbosity = flags.verbosity;
  if (!verbosity.empty()) set_log_level(verbosity);
#if KENNING_WITH_OPENCV
  // OpenCV's own warnings (e.g. every capture backend tried on a missing
  // camera) would bury the one-line error; --verbosity DEBUG shows them.
  if (verbosity != "DEBUG" && verbosity != "debug") {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  }
  if (!flags.measurements.empty() && !flags.measurements.parent_path().empty() &&
      !std::filesystem::is_directory(flags.measurements.parent_path())) {
    throw IoError("--measurements " + flags.measurements.string() + ": folder does not exist");
  }
  const FlowOptions options{!flags.sequential, static_cast<std::size_t>(flags.max_steps)};
  KenningFlow flow(load_flow(flags.cfg), options, g_interrupted);
  g_interrupted = false;
  std::signal(SIGINT, on_sigint);
  const FlowStats stats = flow.run();
  std::signal(SIGINT, SIG_DFL);
  print_stats(stats);
  if (!flags.measurements.empty()) write_stats(stats, flags.measurements);
  return 0;
#else
  throw NotSupported("kenning flow: built without KENNING_WITH_OPENCV (frames need OpenCV)");
#endif
}

}  // namespace kenning::cli
