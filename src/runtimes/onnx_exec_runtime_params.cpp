// ONNXExecRuntime's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "runtimes/onnx_exec_runtime.h"

namespace kenning {

const ParamSchema<ONNXExecRuntime::Params>& ONNXExecRuntime::schema() {
  static const auto s = ParamSchema<Params>("ONNXExecRuntime", kDescription)
                            .field("save_model_path", &Params::save_model_path,
                                   "ONNX model to load; empty: the model the pipeline hands in")
                            .field("num_threads", &Params::num_threads,
                                   "ATen intra-op threads (at::set_num_threads, process-global: the runtime "
                                   "prepared last sets it for the whole process); -1: all cores, 0: one thread")
                            .range(-1, 256)
                            .ignored("execution_providers", ParamType::List,
                                     "upstream's ONNX Runtime providers; this interpreter runs on the CPU")
                            .ignored("disable_performance_measurements", ParamType::Bool, "run() is always timed");
  return s;
}

}  // namespace kenning
