// The runtime family's class list. Classes whose backend was not built in are
// still listed, as unavailable, so `kenning list` can say what is missing.
#include "kenning/config.h"
#include "kenning/registries.h"

#if KENNING_WITH_OPENCV
#include "opencv_runtime.h"
#endif

namespace kenning {

void register_runtimes(Registry<Runtime>& r) {
#if KENNING_WITH_OPENCV
  r.add<OpenCVRuntime>("opencv");
#else
  r.add_unavailable("OpenCVRuntime", "opencv", "Runs ONNX models with OpenCV's DNN module",
                    "built without KENNING_WITH_OPENCV");
#endif
}

}  // namespace kenning
