// Finds, loads and checks a backend module (module_loader.h).
#include "modules/module_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <system_error>

namespace kenning::modules {

std::filesystem::path module_file(const ModuleSpec& spec) {
  if (const char* env = std::getenv(spec.env_var); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path bin = ec ? std::filesystem::current_path() : exe.parent_path();
  return bin.parent_path() / "lib" / "kenning" / spec.file_name;
}

const void* load_module(const ModuleSpec& spec, std::string& error) {
  const std::filesystem::path file = module_file(spec);
  const std::string its = std::string("its module ") + file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    error = its + " is missing (build kenning's modules, or point " + spec.env_var + " at it)";
    return nullptr;
  }
  // RTLD_LOCAL: the module's copies of kenning's code stay its own.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error = its + " cannot be loaded: " + (why ? why : "unknown error");
    return nullptr;
  }
  using Entry = const void* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, spec.entry_symbol));
  if (entry == nullptr) {
    error = its + " has no " + spec.entry_symbol + " (not this kenning module)";
    return nullptr;
  }
  const void* table = entry();
  const std::uint32_t version = table ? *static_cast<const std::uint32_t*>(table) : 0;
  if (version != spec.abi_version) {
    error = its + " comes from another kenning build (interface version " + std::to_string(version) + ", expected " +
            std::to_string(spec.abi_version) + ")";
    return nullptr;
  }
  // Never unloaded: objects it made may outlive any caller.
  return table;
}

}  // namespace kenning::modules
