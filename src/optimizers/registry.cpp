// The optimizer family's class list.
#include "kenning/registries.h"

namespace kenning {

// Empty for now: the optimizers themselves come with a later issue.
void register_optimizers(Registry<Optimizer>& /*r*/) {}

}  // namespace kenning
