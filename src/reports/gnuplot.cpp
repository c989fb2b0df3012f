#include "reports/gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "kenning/core/error.h"

extern char** environ;

namespace kenning {

namespace fs = std::filesystem;

std::filesystem::path find_gnuplot() {
  if (const char* env = std::getenv("KENNING_GNUPLOT"); env && *env) {
    if (::access(env, X_OK) != 0)
      throw NotSupported(
          fmt::format("KENNING_GNUPLOT={}: not an executable; point it at gnuplot or pass --no-plots", env));
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
    if (c == '\'')
      out += "''";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
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

std::string job_script(const PlotJob& job) {
  return fmt::format(
      "reset\nundefine $*\nset terminal pngcairo size {},{} noenhanced font 'DejaVu Sans,11'\n"
      "set output {}\n{}\nunset output\n",
      kPlotWidth, kPlotHeight, gp_quote(job.output.string()), job.script);
}

// Runs `jobs` in one gnuplot process (its start-up, ~0.1-0.3 s of library
// loading, is paid once); an error message, empty on success. `jobs` write
// next to each other, so the script and log go beside the first image.
std::string run_batch(const fs::path& gnuplot, const std::vector<const PlotJob*>& jobs) {
  const fs::path script_path = fs::path(jobs.front()->output.string() + ".gp");
  const fs::path log_path = fs::path(jobs.front()->output.string() + ".log");
  {
    std::ofstream out(script_path);
    for (const PlotJob* job : jobs) out << job_script(*job);
    if (!out) return fmt::format("{}: cannot write the plot script", script_path.string());
  }
  const int rc = spawn_gnuplot(gnuplot, script_path, log_path);
  std::string log = read_all(log_path);
  std::error_code ec;
  fs::remove(script_path, ec);
  fs::remove(log_path, ec);
  const PlotJob* missing = nullptr;
  for (const PlotJob* job : jobs) {
    if (fs::file_size(job->output, ec) == 0 || ec) {
      missing = job;
      break;
    }
  }
  if (rc == 0 && !missing) return {};
  while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
  return fmt::format("plot {}: gnuplot failed (exit {}): {}",
                     (missing ? missing : jobs.front())->output.filename().string(), rc,
                     log.empty() ? "no image written" : log);
}

}  // namespace

void run_plot_jobs(const std::vector<PlotJob>& jobs, unsigned parallel) {
  if (jobs.empty()) return;
  const fs::path gnuplot = find_gnuplot();
  // One gnuplot process per worker, drawing every parallel-th job; a failed
  // batch is drawn again job by job so the error names the plot at fault.
  const unsigned workers = std::max(1u, std::min<unsigned>(parallel, static_cast<unsigned>(jobs.size())));
  std::vector<std::string> errors(workers);
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      std::vector<const PlotJob*> batch;
      for (std::size_t i = w; i < jobs.size(); i += workers) batch.push_back(&jobs[i]);
      if (run_batch(gnuplot, batch).empty()) return;
      for (const PlotJob* job : batch) {
        if (std::string err = run_batch(gnuplot, {job}); !err.empty()) {
          errors[w] = std::move(err);
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& err : errors) {
    if (!err.empty()) throw BackendError(err);
  }
}

}  // namespace kenning
