// A one-line progress bar on stderr, drawn only when stderr is a terminal
// (quiet in CI and when redirected).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace kenning {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total);
  ~ProgressBar();
  // Sets progress to `done` of total; `suffix` is shown after the bar
  // (e.g. "loss 0.312"). Redraws at most ~10 times a second.
  void update(std::size_t done, const std::string& suffix = "");
  // Draws the final state and moves to the next line.
  void finish(const std::string& suffix = "");

 private:
  void draw(const std::string& suffix);
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace kenning
