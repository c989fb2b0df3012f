// PyTorchRuntime's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "runtimes/torchscript_runtime.h"

namespace kenning {

const ParamSchema<PyTorchRuntime::Params>& PyTorchRuntime::schema() {
  static const auto s = ParamSchema<Params>("PyTorchRuntime", kDescription)
                            .field("save_model_path", &Params::save_model_path,
                                   "TorchScript model to load (.ts); empty: the model the pipeline hands in")
                            .field("num_threads", &Params::num_threads,
                                   "libtorch intra-op threads (torch::set_num_threads, process-global: the runtime "
                                   "prepared last sets it for the whole process); -1: all cores, 0: run on the "
                                   "calling thread")
                            .range(-1, 256)
                            .field("optimize", &Params::optimize,
                                   "freeze the module and run libtorch's optimize_for_inference when loading "
                                   "(folds Conv+BatchNorm, moves convolutions to oneDNN); false: run as saved")
                            .ignored("disable_performance_measurements", ParamType::Bool, "run() is always timed");
  return s;
}

}  // namespace kenning
