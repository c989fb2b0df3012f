// Finds, loads and checks the libtorch module once per process.
#include "torch_module/torch_module.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>
#include <system_error>

#include "kenning/core/error.h"

namespace kenning::torch_module {
namespace {

constexpr const char* kModuleName = "libkenning_torch.so";

struct Loaded {
  const Api* api = nullptr;
  std::string error;  // why api is null
};

Loaded load() {
  const std::filesystem::path file = module_file();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return {nullptr, "its module " + file.string() +
                         " is missing (build the kenning_torch target, or point KENNING_TORCH_MODULE at it)"};
  }
  // RTLD_LOCAL: the module's copies of kenning's code stay its own.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return {nullptr, "its module " + file.string() + " cannot be loaded: " + (why ? why : "unknown error")};
  }
  using Entry = const Api* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, kEntrySymbol));
  if (entry == nullptr) {
    return {nullptr, "its module " + file.string() + " has no " + kEntrySymbol + " (not a kenning module)"};
  }
  const Api* table = entry();
  if (table == nullptr || table->abi_version != kAbiVersion) {
    return {nullptr, "its module " + file.string() + " comes from another kenning build (interface version " +
                         std::to_string(table ? table->abi_version : 0) + ", expected " +
                         std::to_string(kAbiVersion) + ")"};
  }
  // Never unloaded: objects it made may outlive any caller.
  return {table, {}};
}

}  // namespace

std::filesystem::path module_file() {
  if (const char* env = std::getenv("KENNING_TORCH_MODULE"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path bin = ec ? std::filesystem::current_path() : exe.parent_path();
  return bin.parent_path() / "lib" / "kenning" / kModuleName;
}

const Api& api(std::string_view what) {
  static const Loaded loaded = load();
  if (loaded.api == nullptr) throw NotSupported(std::string(what) + " needs libtorch, and " + loaded.error);
  return *loaded.api;
}

}  // namespace kenning::torch_module
