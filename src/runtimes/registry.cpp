// The runtime family's class list. Classes whose backend was not built in are
// still listed, as unavailable, so `kenning list` can say what is missing.
#include "kenning/config.h"
#include "kenning/registries.h"
#include "runtimes/onnx_exec_runtime.h"
#include "runtimes/opencv_runtime.h"
#include "runtimes/torchscript_runtime.h"

namespace kenning {

void register_runtimes(Registry<Runtime>& r) {
#if KENNING_WITH_OPENCV
  r.add<OpenCVRuntime>("opencv");
#else
  r.add_unavailable<OpenCVRuntime>("opencv", "built without KENNING_WITH_OPENCV");
#endif
#if KENNING_WITH_TORCH
  r.add<PyTorchRuntime>("pytorch");
#else
  r.add_unavailable<PyTorchRuntime>("pytorch", "built without KENNING_WITH_TORCH");
#endif
#if KENNING_WITH_TORCH && KENNING_WITH_ONNX
  r.add<ONNXExecRuntime>("onnx_exec");
#else
  r.add_unavailable<ONNXExecRuntime>("onnx_exec", "built without KENNING_WITH_TORCH and KENNING_WITH_ONNX");
#endif
}

}  // namespace kenning
