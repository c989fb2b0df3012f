// NamePrinter's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "outputcollectors/name_printer.h"

namespace kenning {

const ParamSchema<NamePrinter::Params>& NamePrinter::schema() {
  static const auto s = ParamSchema<Params>("NamePrinter", "Prints the best class of every frame");
  return s;
}

}  // namespace kenning
