// One-line progress bar on stderr:
//   label [=========>          ]  45/100  45% 00:12<00:15 loss 0.312
// Drawn only on a terminal so logs and CI output stay clean.
#include "kenning/core/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace kenning {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

int terminal_width() {
  struct winsize ws {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// "mm:ss", or "h:mm:ss" past an hour.
std::string format_duration(double seconds) {
  const long s = std::max(0L, static_cast<long>(seconds + 0.5));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_() {}

ProgressBar::~ProgressBar() {
  // Leave the cursor on a fresh line if the owner never called finish()
  // (e.g. an exception unwound the loop).
  if (enabled_ && !finished_ && last_draw_ != std::chrono::steady_clock::time_point{}) {
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
}

void ProgressBar::update(std::size_t done, const std::string& suffix) {
  done_ = done;
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool complete = total_ > 0 && done_ >= total_;  // always show the last step
  if (now - last_draw_ < kRedrawInterval && !complete) return;
  draw(suffix);
}

void ProgressBar::finish(const std::string& suffix) {
  if (finished_) return;
  if (enabled_) {
    draw(suffix);
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
  finished_ = true;
}

void ProgressBar::draw(const std::string& suffix) {
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();

  std::string counts;
  std::string timing;
  double fraction = 0.0;
  if (total_ > 0) {
    fraction = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const int width = static_cast<int>(fmt::formatted_size("{}", total_));
    counts = fmt::format("{:>{}}/{} {:3.0f}%", done_, width, total_, fraction * 100.0);
    // ETA from the mean rate so far; unknown until something is done.
    const std::string eta = done_ > 0 && done_ < total_ ? format_duration(elapsed * (total_ - done_) / done_)
                                                        : (done_ >= total_ ? format_duration(0) : "--:--");
    timing = format_duration(elapsed) + "<" + eta;
  } else {
    counts = fmt::format("{}", done_);  // unknown total: count only
    timing = format_duration(elapsed);
  }

  std::string tail = " " + counts + " " + timing;
  std::string bar_text;
  if (total_ > 0) {
    // Sized without the suffix so the bar does not jump when the suffix changes.
    const int bar_width = std::clamp(terminal_width() - static_cast<int>(label_.size() + tail.size()) - 24, 10, 40);
    std::string bar(static_cast<std::size_t>(bar_width), ' ');
    const int filled = static_cast<int>(fraction * bar_width);
    std::fill_n(bar.begin(), filled, '=');
    if (filled < bar_width) bar[static_cast<std::size_t>(filled)] = '>';
    bar_text = " [" + bar + "]";
  }
  if (!suffix.empty()) tail += " " + suffix;

  // \r returns to the line start, \x1b[K clears what a longer line left behind.
  std::fprintf(stderr, "\r%s%s%s\x1b[K", label_.c_str(), bar_text.c_str(), tail.c_str());
  std::fflush(stderr);
}

}  // namespace kenning
