#include "outputcollectors/name_printer.h"

#include <cstdio>
#include <iostream>

#include "outputcollectors/classification.h"

namespace kenning {

NamePrinter::NamePrinter(const Params&, std::ostream* out) : out_(out ? out : &std::cout) {}

std::vector<TensorSpec> NamePrinter::input_spec() const {
  TensorSpec predictions;
  predictions.name = "predictions";
  predictions.shape = {-1, -1};
  predictions.dtype = DType::Float32;
  return {predictions};
}

void NamePrinter::prepare(const std::vector<TensorSpec>& connected) {
  class_names_ = connected.at(0).class_name;
  frame_ = 0;
}

void NamePrinter::process_output(std::span<const TensorView> inputs) {
  const TopClass top = top_class(inputs[0], class_names_);
  char score[16];
  std::snprintf(score, sizeof score, "%.3f", top.score);
  *out_ << "frame " << frame_++ << ": " << top.label << " (" << score << ")\n";
}

void NamePrinter::close(bool) { out_->flush(); }

}  // namespace kenning
