// NVIDIA GPU utilization and memory use through NVML, loaded at run time
// (dlopen of libnvidia-ml.so.1, which the driver installs), so kenning needs
// no NVIDIA package to build and runs unchanged where there is no GPU.
// $KENNING_NVML_LIBRARY names another library (tests use a fake one).
#pragma once

#include <memory>
#include <optional>

namespace kenning {

struct GpuSample {
  double utilization_percent = 0;  // mean over devices of the busy-time share
  double memory_percent = 0;       // used / total memory over all devices
};

class NvmlGpu {
 public:
  // nullptr when NVML is absent, reports no device, or the build has
  // KENNING_WITH_NVML off.
  static std::unique_ptr<NvmlGpu> open();
  ~NvmlGpu();
  NvmlGpu(const NvmlGpu&) = delete;
  NvmlGpu& operator=(const NvmlGpu&) = delete;

  // nullopt when a device stops answering.
  std::optional<GpuSample> sample();

  struct Api;

 private:
  explicit NvmlGpu(std::unique_ptr<Api> api);
  std::unique_ptr<Api> api_;
};

}  // namespace kenning
