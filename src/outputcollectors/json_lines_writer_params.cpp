// JSONLinesWriter's parameter declaration, apart from the code that needs its backend,
// so that the family's registry lists the class in every build.
#include "outputcollectors/json_lines_writer.h"

namespace kenning {

const ParamSchema<JSONLinesWriter::Params>& JSONLinesWriter::schema() {
  static const auto s = ParamSchema<Params>("JSONLinesWriter", "Writes predictions as JSON lines, one per frame")
                            .field("output_path", &Params::output_path, "The .jsonl file to write")
                            .required();
  return s;
}

}  // namespace kenning
