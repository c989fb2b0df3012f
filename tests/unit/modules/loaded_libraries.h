// Whether a shared library is mapped into this process, from /proc/self/maps:
// how the module tests tell that a backend was, or was not, loaded.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace kenning::testing {

// True when a mapped file's path contains `name` (e.g. "libtorch_cpu").
inline bool library_loaded(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find(name) != std::string::npos;
}

}  // namespace kenning::testing
