// OpenCVRuntime's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "runtimes/opencv_runtime.h"

namespace kenning {

const ParamSchema<OpenCVRuntime::Params>& OpenCVRuntime::schema() {
  static const auto s = ParamSchema<Params>("OpenCVRuntime", kDescription)
                            .field("save_model_path", &Params::save_model_path,
                                   "ONNX model to load; empty: the model the pipeline hands in")
                            .field("num_threads", &Params::num_threads,
                                   "Threads of OpenCV's parallel loops (cv::setNumThreads, process-global: the "
                                   "runtime prepared last sets it for the whole process); -1: OpenCV's default, "
                                   "0: run on the calling thread")
                            .range(-1, 256)
                            .field("backend", &Params::backend, "OpenCV DNN computation backend", kBackendNames)
                            .field("target", &Params::target, "Device the backend runs on", kTargetNames)
                            .ignored("disable_performance_measurements", ParamType::Bool, "run() is always timed");
  return s;
}

}  // namespace kenning
