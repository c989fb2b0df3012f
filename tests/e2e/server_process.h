// Starts `kenning server` as a child process for end-to-end tests and stops
// it when the test ends, whatever happens in between.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "run_kenning.h"

extern char** environ;

class ServerProcess {
 public:
  // Runs `kenning server <args>` from the source tree, output into `dir`,
  // and waits (up to 60 s) for the line naming where it listens: a loopback
  // port (see port()), or `ready_marker` for other links (a serial line).
  ServerProcess(const std::vector<std::string>& args, const std::filesystem::path& dir,
                const std::string& ready_marker = "")
      : out_(dir / "server.out"), err_(dir / "server.err") {
    std::string cmd = "cd " + shell_quote(KENNING_TEST_SOURCE_DIR) + " && exec " +
                      shell_quote(std::string(KENNING_TEST_BINARY_DIR) + "/bin/kenning") + " server";
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " >" + shell_quote(out_.string()) + " 2>" + shell_quote(err_.string()) + " </dev/null";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) pid_ = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    const std::string marker = "listening on 127.0.0.1:";
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline && running()) {
      const std::string text = read_text(out_);
      if (!ready_marker.empty() && text.find(ready_marker) != std::string::npos) {
        ready_ = true;
        return;
      }
      const auto at = text.find(marker);
      if (at != std::string::npos && text.find('(', at) != std::string::npos) {
        port_ = std::stoi(text.substr(at + marker.size()));
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  bool ready() const { return ready_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_text(out_) + read_text(err_); }

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = status;
      pid_ = -1;
      return false;
    }
    return true;
  }

  // Waits up to `timeout` for the server to exit by itself; true if it did.
  bool wait_exit(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !running();
  }
  int exit_status() const { return exit_status_; }

  // SIGTERM, then SIGKILL after 5 s; always reaps the child.
  void stop() {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::seconds(5))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &exit_status_, 0);
      pid_ = -1;
    }
  }

 private:
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
  int exit_status_ = -1;
};
