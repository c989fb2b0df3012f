#include "gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "kenning/core/error.h"

extern char** environ;

namespace kenning {

namespace fs = std::filesystem;

std::filesystem::path find_gnuplot() {
  if (const char* env = std::getenv("KENNING_GNUPLOT"); env && *env) {
    if (::access(env, X_OK) != 0) throw NotSupported(fmt::format("KENNING_GNUPLOT={}: not an executable; point it at gnuplot or pass --no-plots", env));
    return env;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw NotSupported(
      "plots need gnuplot, which is not on PATH: install it (apt-get install gnuplot-nox) or pass --no-plots "
      "for a report of tables only");
}

std::string gp_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "''";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "'";
}

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs gnuplot on `script_path`, its messages into `log_path`; the exit status.
int spawn_gnuplot(const fs::path& gnuplot, const fs::path& script_path, const fs::path& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string exe = gnuplot.string(), script = script_path.string();
  char* argv[] = {exe.data(), script.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs one job; an error message, empty on success.
std::string run_one(const fs::path& gnuplot, const PlotJob& job) {
  const fs::path script_path = fs::path(job.output.string() + ".gp");
  const fs::path log_path = fs::path(job.output.string() + ".log");
  {
    std::ofstream out(script_path);
    out << "set terminal pngcairo size " << kPlotWidth << "," << kPlotHeight
        << " noenhanced font 'DejaVu Sans,11'\n"
        << "set output " << gp_quote(job.output.string()) << "\n"
        << job.script << "\nunset output\n";
    if (!out) return fmt::format("{}: cannot write the plot script", script_path.string());
  }
  const int rc = spawn_gnuplot(gnuplot, script_path, log_path);
  std::string log = read_all(log_path);
  std::error_code ec;
  const bool drawn = rc == 0 && fs::file_size(job.output, ec) > 0 && !ec;
  fs::remove(script_path, ec);
  fs::remove(log_path, ec);
  if (drawn) return {};
  while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
  return fmt::format("plot {}: gnuplot failed (exit {}): {}", job.output.filename().string(), rc,
                     log.empty() ? "no image written" : log);
}

}  // namespace

void run_plot_jobs(const std::vector<PlotJob>& jobs, unsigned parallel) {
  if (jobs.empty()) return;
  const fs::path gnuplot = find_gnuplot();
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::string first_error;
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      std::string err = run_one(gnuplot, jobs[i]);
      if (err.empty()) continue;
      std::lock_guard lock(mutex);
      if (first_error.empty()) first_error = std::move(err);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < std::max(1u, std::min<unsigned>(parallel, jobs.size())); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!first_error.empty()) throw BackendError(first_error);
}

}  // namespace kenning
