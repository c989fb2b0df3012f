// Error categories of kenning-cpp. Every failure a user can cause is one of
// these, carries a message that names the file/key/field involved, and maps to
// a distinct process exit code in tools/kenning/main.cpp.
#pragma once

#include <stdexcept>
#include <string>

namespace kenning {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // Process exit code the CLI returns for this category.
  virtual int exit_code() const { return 1; }
};

// A scenario, parameter or command line that does not validate.
class ConfigError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// A file that is missing, unreadable, truncated or has the wrong format.
class IoError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 3; }
};

// A backend (OpenCV, libtorch, ONNX) refused a model or failed while running.
class BackendError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 4; }
};

// An operation the chosen class does not implement (e.g. training an ONNX
// file, a runtime that cannot read the model's format).
class NotSupported : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 5; }
};

// The host/target link failed: timeout, closed connection, a malformed or
// out-of-order frame, or the peer reported an error.
class ProtocolError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 6; }
};

}  // namespace kenning
