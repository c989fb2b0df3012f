#include "reports/report_writer.h"

#include <unistd.h>

#include <thread>

#include <fmt/format.h>

#include "reports/html_report.h"
#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "reports/markdown_report.h"
#include "reports/report_plots.h"

namespace kenning {

namespace fs = std::filesystem;

fs::path report_image_dir(const fs::path& report_path) {
  return report_path.parent_path() / (report_path.stem().string() + "-img");
}

namespace {

// Removes a folder on scope exit unless released.
class TempFolder {
 public:
  explicit TempFolder(fs::path p) : path_(std::move(p)) {}
  ~TempFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

}  // namespace

fs::path html_path_of(const ReportOptions& options) {
  return options.html_path.empty() ? fs::path(options.report_path).replace_extension(".html") : options.html_path;
}

void check_report_options(const ReportOptions& options) {
  const fs::path folder = options.report_path.parent_path().empty() ? fs::path(".") : options.report_path.parent_path();
  if (!fs::is_directory(folder)) {
    throw IoError(
        fmt::format("--report-path {}: folder {} does not exist", options.report_path.string(), folder.string()));
  }
  if (options.to_html && fs::weakly_canonical(html_path_of(options)) == fs::weakly_canonical(options.report_path)) {
    throw ConfigError(
        fmt::format("--report-path {} would be overwritten by the HTML page: give the Markdown report "
                    "another extension or pass --html-path",
                    options.report_path.string()));
  }
}

ReportFiles write_report(const std::vector<ReportRun>& runs, const ReportOptions& options) {
  check_report_options(options);
  ReportFiles files;
  files.markdown = options.report_path;
  const fs::path folder = options.report_path.parent_path().empty() ? fs::path(".") : options.report_path.parent_path();
  const fs::path html_path = html_path_of(options);
  const std::vector<std::string> types = options.types.empty() ? deduce_report_types(runs) : options.types;

  FigureIndex figures;
  const fs::path image_dir = report_image_dir(options.report_path);
  const fs::path staging = fs::path(image_dir.string() + fmt::format(".tmp-{}", ::getpid()));
  TempFolder staging_guard(staging);
  if (options.plots) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    if (!fs::create_directories(staging, ec) && ec) {
      throw IoError(fmt::format("{}: cannot create the image folder: {}", staging.string(), ec.message()));
    }
    PlannedFigures planned = plan_report_figures(runs, types, staging, image_dir.filename().string() + "/");
    const unsigned jobs = options.plot_jobs ? options.plot_jobs : std::max(1u, std::thread::hardware_concurrency());
    run_plot_jobs(planned.jobs, jobs);
    figures = std::move(planned.index);
    files.figures = planned.jobs.size();
  }
  const std::string markdown = render_markdown_report(runs, types, figures);
  std::string html;
  if (options.to_html) {
    // Rendered from the staged images, before anything is replaced.
    const fs::path html_base = options.plots ? staging.parent_path() : folder;
    std::string staged_markdown = markdown;
    if (options.plots) {
      const std::string from = "](" + image_dir.filename().string() + "/",
                        to = "](" + staging.filename().string() + "/";
      for (std::size_t at = 0; (at = staged_markdown.find(from, at)) != std::string::npos; at += to.size()) {
        staged_markdown.replace(at, from.size(), to);
      }
    }
    html = render_html_report(staged_markdown, html_base.empty() ? fs::path(".") : html_base,
                              "Kenning report: " + options.report_path.stem().string());
  }
  if (options.plots) {
    std::error_code ec;
    fs::remove_all(image_dir, ec);
    fs::rename(staging, image_dir, ec);
    if (ec) throw IoError(fmt::format("{}: cannot move the figures in place: {}", image_dir.string(), ec.message()));
    staging_guard.release();
    files.image_dir = image_dir;
  }
  write_file_atomically(options.report_path, markdown);
  if (options.to_html) {
    files.html = html_path;
    write_file_atomically(files.html, html);
  }
  files.summary = fs::path(options.report_path.string() + ".summary.json");
  write_file_atomically(files.summary, report_summary(runs).dump(2) + "\n");
  return files;
}

}  // namespace kenning
