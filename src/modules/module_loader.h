// kenning's optional backend modules: shared libraries loaded with dlopen the
// first time something needs them, so that a program pays a backend's
// start-up cost (libtorch's static initialisation, OpenCV's video and codec
// stack) only when it uses it.
//
// A module exports one function, its entry symbol, returning a table of
// entry points whose first member is the table's interface version. Each
// module has a header (modules/<name>/<name>_module.h) declaring its table and
// an `api(what)` built on module_api() below.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "kenning/core/error.h"

namespace kenning::modules {

struct ModuleSpec {
  const char* file_name;     // "libkenning_torch.so"
  const char* env_var;       // names another file for it: "KENNING_TORCH_MODULE"
  const char* entry_symbol;  // "kenning_torch_module_v1"
  std::uint32_t abi_version;
  const char* backend;  // what it brings, for messages: "libtorch"
};

// $<env_var> when set, else <folder of the running program>/../lib/kenning/
// <file_name> (the build tree's bin/ and lib/, as an installed tree's).
std::filesystem::path module_file(const ModuleSpec& spec);

// The module's table, or null with `error` saying why: "its module <file> is
// missing (...)", "... cannot be loaded: <dlerror>", "... comes from another
// kenning build (...)". Loads it anew; module_api() loads once.
const void* load_module(const ModuleSpec& spec, std::string& error);

// The table of `spec`'s module as `Api`, loaded on the first call
// (thread-safe) and kept for the process's life. When it cannot be loaded,
// throws NotSupported "<what> needs <backend>, and <why>".
template <class Api>
const Api& module_api(const ModuleSpec& spec, std::string_view what) {
  struct Loaded {
    const void* table = nullptr;
    std::string error;
  };
  static const Loaded loaded = [&spec] {
    Loaded l;
    l.table = load_module(spec, l.error);
    return l;
  }();
  if (loaded.table == nullptr) {
    throw NotSupported(std::string(what) + " needs " + spec.backend + ", and " + loaded.error);
  }
  return *static_cast<const Api*>(loaded.table);
}

}  // namespace kenning::modules
