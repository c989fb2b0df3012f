// `kenning train`: trains the model wrapper on the dataset and records the
// per-epoch curves.
#pragma once

#include "kenning/measurement/measurements.h"
#include "scenarios/pipeline.h"

namespace kenning {

// Trains, saves the model (the wrapper writes model_path and its exports) and
// adds training_* lists (one value per epoch) to `m`.
void run_training(Pipeline& pipeline, Measurements& m);

}  // namespace kenning
