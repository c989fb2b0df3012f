#include "measurement/nvml_gpu.h"

#include <cstdlib>
#include <vector>

#if KENNING_WITH_NVML
#include <dlfcn.h>
#endif

namespace kenning {

// The few NVML entry points used, declared as in nvml.h (stable C ABI).
struct NvmlGpu::Api {
  struct Utilization {
    unsigned int gpu, memory;
  };
  struct Memory {
    unsigned long long total, free, used;
  };
  using Device = void*;
  void* handle = nullptr;
  int (*init)() = nullptr;
  int (*shutdown)() = nullptr;
  int (*count)(unsigned int*) = nullptr;
  int (*device)(unsigned int, Device*) = nullptr;
  int (*utilization)(Device, Utilization*) = nullptr;
  int (*memory)(Device, Memory*) = nullptr;
  std::vector<Device> devices;
};

NvmlGpu::NvmlGpu(std::unique_ptr<Api> api) : api_(std::move(api)) {}

NvmlGpu::~NvmlGpu() {
#if KENNING_WITH_NVML
  api_->shutdown();
  dlclose(api_->handle);
#endif
}

std::unique_ptr<NvmlGpu> NvmlGpu::open() {
#if KENNING_WITH_NVML
  const char* env = std::getenv("KENNING_NVML_LIBRARY");
  void* handle = dlopen(env && *env ? env : "libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!handle) return nullptr;
  auto api = std::make_unique<Api>();
  api->handle = handle;
  auto bind = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(handle, name));
    return fn != nullptr;
  };
  constexpr int kSuccess = 0;
  unsigned int n = 0;
  if (!bind(api->init, "nvmlInit_v2") || !bind(api->shutdown, "nvmlShutdown") ||
      !bind(api->count, "nvmlDeviceGetCount_v2") || !bind(api->device, "nvmlDeviceGetHandleByIndex_v2") ||
      !bind(api->utilization, "nvmlDeviceGetUtilizationRates") || !bind(api->memory, "nvmlDeviceGetMemoryInfo") ||
      api->init() != kSuccess) {
    dlclose(handle);
    return nullptr;
  }
  if (api->count(&n) == kSuccess) {
    for (unsigned int i = 0; i < n; ++i) {
      Api::Device d = nullptr;
      if (api->device(i, &d) == kSuccess) api->devices.push_back(d);
    }
  }
  if (api->devices.empty()) {
    api->shutdown();
    dlclose(handle);
    return nullptr;
  }
  return std::unique_ptr<NvmlGpu>(new NvmlGpu(std::move(api)));
#else
  return nullptr;
#endif
}

std::optional<GpuSample> NvmlGpu::sample() {
  double busy = 0, used = 0, total = 0;
  for (Api::Device d : api_->devices) {
    Api::Utilization u{};
    Api::Memory m{};
    if (api_->utilization(d, &u) != 0 || api_->memory(d, &m) != 0) return std::nullopt;
    busy += u.gpu;
    used += static_cast<double>(m.used);
    total += static_cast<double>(m.total);
  }
  return GpuSample{busy / static_cast<double>(api_->devices.size()), total > 0 ? 100.0 * used / total : 0.0};
}

}  // namespace kenning
