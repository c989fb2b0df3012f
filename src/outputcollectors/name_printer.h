// NamePrinter: prints the top class of each frame's scores to stdout,
// "frame 3: Trouser (0.998)".
#pragma once

#include <iosfwd>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/output_collector.h"

namespace kenning {

class NamePrinter : public OutputCollector {
 public:
  struct Params {};
  static const ParamSchema<Params>& schema();
  // `out` must outlive the printer (tests pass a stringstream).
  explicit NamePrinter(const Params& params, std::ostream* out = nullptr);

  std::vector<TensorSpec> input_spec() const override;
  void prepare(const std::vector<TensorSpec>& connected) override;
  void process_output(std::span<const TensorView> inputs) override;
  void close(bool completed) override;

 private:
  std::ostream* out_;
  std::vector<std::string> class_names_;
  std::size_t frame_ = 0;
};

}  // namespace kenning
