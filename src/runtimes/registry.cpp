// The runtime family's class list. Classes whose backend was not built in are
// still listed, as unavailable, so `kenning list` can say what is missing.
#include "kenning/config.h"
#include "kenning/registries.h"
#include "runtimes/onnx_exec_runtime.h"
#include "runtimes/opencv_runtime.h"
#include "runtimes/torchscript_runtime.h"
#if KENNING_WITH_TORCH
#include "modules/torch/torch_module.h"
#endif

namespace kenning {

void register_runtimes(Registry<Runtime>& r) {
#if KENNING_WITH_OPENCV
  r.add<OpenCVRuntime>("opencv");
#else
  r.add_unavailable<OpenCVRuntime>("opencv", "built without KENNING_WITH_OPENCV");
#endif
#if KENNING_WITH_TORCH
  // Built by the libtorch module (torch_module.h), loaded on first use.
  r.add_built_by<PyTorchRuntime>("pytorch", [](const PyTorchRuntime::Params& p) {
    return torch_module::api("PyTorchRuntime").make_pytorch_runtime(p);
  });
#else
  r.add_unavailable<PyTorchRuntime>("pytorch", "built without KENNING_WITH_TORCH");
#endif
#if KENNING_WITH_TORCH && KENNING_WITH_ONNX
  r.add_built_by<ONNXExecRuntime>("onnx_exec", [](const ONNXExecRuntime::Params& p) {
    return torch_module::api("ONNXExecRuntime").make_onnx_exec_runtime(p);
  });
#else
  r.add_unavailable<ONNXExecRuntime>("onnx_exec", "built without KENNING_WITH_TORCH and KENNING_WITH_ONNX");
#endif
}

}  // namespace kenning
