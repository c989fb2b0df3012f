// A private X server (Xvfb) for tests of windows: started on a free display
// number, stopped (SIGTERM, then waited for) when the object goes away.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

class XvfbDisplay {
 public:
  // Empty name() when Xvfb is not installed or does not come up in 10 s.
  XvfbDisplay() {
    if (std::system("command -v Xvfb >/dev/null 2>&1") != 0) return;
    for (int n = 90 + ::getpid() % 100; n < 400; ++n) {
      const std::string lock = "/tmp/.X" + std::to_string(n) + "-lock";
      if (std::filesystem::exists(lock)) continue;
      const std::string display = ":" + std::to_string(n);
      pid_ = ::fork();
      if (pid_ == 0) {
        ::execlp("Xvfb", "Xvfb", display.c_str(), "-screen", "0", "640x480x24", "-nolisten", "tcp",
                 static_cast<char*>(nullptr));
        ::_exit(127);
      }
      const std::string socket = "/tmp/.X11-unix/X" + std::to_string(n);
      for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (std::filesystem::exists(socket)) name_ = display;
      return;
    }
  }
  ~XvfbDisplay() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  XvfbDisplay(const XvfbDisplay&) = delete;
  XvfbDisplay& operator=(const XvfbDisplay&) = delete;

  const std::string& name() const { return name_; }

 private:
  pid_t pid_ = -1;
  std::string name_;
};
