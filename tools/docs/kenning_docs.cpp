// Regenerates the parts of docs/ that are made from code, so they cannot go
// stale: `kenning_docs measurement-keys docs/measurements.md` rewrites the
// key table from keys.h. scripts/update-docs.sh runs it.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"
#include "measurement/keys_table.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "measurement-keys") {
    std::cerr << "usage: kenning_docs measurement-keys docs/measurements.md\n";
    return 2;
  }
  const std::string path = argv[2];
  try {
    std::ifstream in(path);
    if (!in) throw kenning::IoError(path + ": cannot read");
    std::stringstream text;
    text << in.rdbuf();
    kenning::write_file_atomically(path, kenning::with_measurement_keys_table(text.str(), path));
  } catch (const kenning::Error& e) {
    std::cerr << "kenning_docs: error: " << e.what() << "\n";
    return e.exit_code();
  }
  return 0;
}
