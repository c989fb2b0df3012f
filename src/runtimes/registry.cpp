// The runtime family's class list. Classes whose backend was not built in are
// still listed, as unavailable, so `kenning list` can say what is missing.
#include "kenning/config.h"
#include "kenning/registries.h"

#if KENNING_WITH_OPENCV
#include "runtimes/opencv_runtime.h"
#endif
#if KENNING_WITH_TORCH
#include "runtimes/torchscript_runtime.h"
#endif
#if KENNING_WITH_TORCH && KENNING_WITH_ONNX
#include "runtimes/onnx_exec_runtime.h"
#endif

namespace kenning {

void register_runtimes(Registry<Runtime>& r) {
#if KENNING_WITH_OPENCV
  r.add<OpenCVRuntime>("opencv");
#else
  r.add_unavailable("OpenCVRuntime", "opencv", "Runs ONNX models with OpenCV's DNN module",
                    "built without KENNING_WITH_OPENCV");
#endif
#if KENNING_WITH_TORCH
  r.add<PyTorchRuntime>("pytorch");
#else
  r.add_unavailable("PyTorchRuntime", "pytorch",
                    "Runs TorchScript models with libtorch (torch::jit::load)",
                    "built without KENNING_WITH_TORCH");
#endif
#if KENNING_WITH_TORCH && KENNING_WITH_ONNX
  r.add<ONNXExecRuntime>("onnx_exec");
#else
  r.add_unavailable("ONNXExecRuntime", "onnx_exec",
                    "Runs ONNX models with kenning's own interpreter on libtorch's ATen kernels",
                    "built without KENNING_WITH_TORCH and KENNING_WITH_ONNX");
#endif
}

}  // namespace kenning
