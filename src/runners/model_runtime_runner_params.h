// The parameters of ModelRuntimeRunner (src/flow/model_runtime_runner.h),
// declared apart from the class: the class needs OpenCV and the whole
// pipeline, while `kenning list` / `kenning info` need the declaration in
// every build.
#pragma once

#include <nlohmann/json.hpp>

#include "kenning/core/params.h"

namespace kenning {

struct ModelRuntimeRunnerParams {
  nlohmann::json model_wrapper;  // scenario block
  nlohmann::json runtime;        // scenario block; null: the wrapper runs the model natively
};

const ParamSchema<ModelRuntimeRunnerParams>& model_runtime_runner_schema();

}  // namespace kenning
