#include "scenarios/onnx_conversion.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/model_wrapper.h"
#include "kenning/registries.h"

namespace kenning {

namespace fs = std::filesystem;

namespace {

struct ExportFormat {
  const char* name;  // as runtimes list it in input_formats()
  const char* extension;
};
constexpr ExportFormat kFormats[] = {{"onnx", ".onnx"}, {"torchscript", ".ts"}};

// The error text on one table line: libtorch, protobuf and OpenCV messages
// span several lines, OpenCV's quoted with '>' and padded with spaces.
std::string one_line(const std::string& text) {
  constexpr std::size_t kMaxLength = 400;
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      line_start = true;
      c = ' ';
    } else if (line_start && (c == '>' || c == ' ')) {
      c = ' ';
    } else {
      line_start = false;
    }
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > kMaxLength) out = out.substr(0, kMaxLength) + "...";
  return out;
}

// Runs `step`; on failure returns its message, on success "".
template <class Fn>
std::string attempt(Fn&& step) {
  try {
    step();
    return "";
  } catch (const std::exception& e) {
    std::string what = one_line(e.what());
    return what.empty() ? "unknown error" : what;
  }
}

std::vector<Tensor> random_inputs(const IOSpec& spec, std::int64_t batch, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<Tensor> inputs;
  for (const TensorSpec& in : spec.model_inputs()) {
    if (in.dtype != DType::Float32) {
      throw NotSupported("input '" + in.name + "' is " + std::string(dtype_name(in.dtype)) +
                         "; only float32 inputs are generated");
    }
    Shape shape = in.shape;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] < 0) {
        if (d != 0) throw NotSupported("input '" + in.name + "' has a free dimension other than the batch");
        shape[d] = batch;
      }
    }
    Tensor t(DType::Float32, shape);
    for (float& v : t.data<float>()) v = uniform(rng);
    inputs.push_back(std::move(t));
  }
  return inputs;
}

std::vector<TensorView> views_of(const std::vector<Tensor>& tensors) {
  std::vector<TensorView> views;
  for (const Tensor& t : tensors) views.push_back(t.view());
  return views;
}

// Compares `got` with `reference` output by output; throws BackendError when
// counts, dtypes or shapes differ.
void compare(const std::vector<Tensor>& reference, const std::vector<Tensor>& got, ConversionResult& r) {
  if (got.size() != reference.size()) {
    throw BackendError("gave " + std::to_string(got.size()) + " outputs, the native run " +
                       std::to_string(reference.size()));
  }
  double max_diff = 0;
  std::size_t rows = 0, agreeing = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Tensor& a = reference[i];
    const Tensor& b = got[i];
    if (a.dtype() != DType::Float32 || b.dtype() != DType::Float32 || a.shape() != b.shape()) {
      throw BackendError("output " + std::to_string(i) + " is " + std::string(dtype_name(b.dtype())) + " " +
                         shape_to_string(b.shape()) + ", the native run gave " + std::string(dtype_name(a.dtype())) +
                         " " + shape_to_string(a.shape()));
    }
    const auto x = a.data<float>();
    const auto y = b.data<float>();
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double d = std::fabs(static_cast<double>(x[k]) - y[k]);
      max_diff = std::max(max_diff, std::isnan(d) ? INFINITY : d);
    }
    // Top-1 over the last dimension of [batch, classes] outputs.
    if (a.shape().size() == 2 && a.shape()[1] > 1) {
      const auto n = static_cast<std::size_t>(a.shape()[0]);
      const auto c = static_cast<std::size_t>(a.shape()[1]);
      for (std::size_t row = 0; row < n; ++row) {
        const auto xa = std::max_element(x.begin() + row * c, x.begin() + (row + 1) * c) - (x.begin() + row * c);
        const auto ya = std::max_element(y.begin() + row * c, y.begin() + (row + 1) * c) - (y.begin() + row * c);
        ++rows;
        agreeing += xa == ya;
      }
    }
  }
  r.max_abs_diff = max_diff;
  if (rows > 0) r.top1_agreement = static_cast<double>(agreeing) / static_cast<double>(rows);
}

void check_names(const ConversionOptions& o) {
  const auto& wrappers = registries().model_wrappers;
  for (const auto& m : o.models) {
    if (wrappers.index_of(m.wrapper) == std::string_view::npos) {
      throw ConfigError("onnx-conversion: unknown model wrapper '" + m.wrapper + "' (see kenning list modelwrappers)");
    }
  }
  for (const auto& r : o.runtimes) {
    if (registries().runtimes.index_of(r) == std::string_view::npos) {
      throw ConfigError("onnx-conversion: unknown runtime '" + r + "' (see kenning list runtimes)");
    }
  }
  if (o.models.empty()) throw ConfigError("onnx-conversion: no models given");
  if (o.batch_size < 1 || o.batch_size > 1024) {
    throw ConfigError("onnx-conversion: batch size must be in [1, 1024], got " + std::to_string(o.batch_size));
  }
}

// The runtimes to try: the ones asked for, or every available one.
std::vector<std::string> runtime_names(const ConversionOptions& o) {
  if (!o.runtimes.empty()) return o.runtimes;
  std::vector<std::string> names;
  for (const auto& info : registries().runtimes.classes()) {
    if (info.available) names.push_back(info.name);
  }
  return names;
}

void check_model(const ConversionModel& m, const ConversionOptions& o, const std::vector<std::string>& runtimes,
                 std::vector<ConversionResult>& results) {
  const fs::path dir = o.work_dir / m.wrapper;
  fs::create_directories(dir);
  const fs::path model_path = m.model_path.empty() ? dir / "model.onnx" : m.model_path;
  std::unique_ptr<ModelWrapper> wrapper;
  std::vector<Tensor> inputs, reference;
  ConversionResult base;
  base.model = m.wrapper;
  const std::string setup_error = attempt([&] {
    wrapper = registries().model_wrappers.create(m.wrapper, {{"model_path", model_path.string()}},
                                                 "onnx-conversion: model " + m.wrapper);
    base.framework = wrapper->framework() + " " + wrapper->framework_version();
    inputs = random_inputs(wrapper->io_spec(), o.batch_size, o.seed);
    const auto views = views_of(inputs);
    reference = wrapper->run_inference(views);
  });
  if (!setup_error.empty()) {
    base.note = "cannot run the model natively: " + setup_error;
    results.push_back(base);
    return;
  }
  const auto views = views_of(inputs);

  for (const ExportFormat& format : kFormats) {
    ConversionResult exported = base;
    exported.format = format.name;
    const fs::path file = dir / (m.wrapper + format.extension);
    const std::string export_error = attempt([&] {
      if (std::string(format.name) == "onnx")
        wrapper->save_to_onnx(file);
      else
        wrapper->save_to_torchscript(file);
    });
    if (!export_error.empty()) {
      exported.note = "export failed: " + export_error;
      results.push_back(exported);
      continue;
    }
    exported.exported = true;
    bool any_runtime = false;
    for (const std::string& name : runtimes) {
      ConversionResult cell = exported;
      cell.runtime = name;
      std::unique_ptr<Runtime> runtime;
      const std::string create_error = attempt([&] {
        runtime =
            registries().runtimes.create(name, {{"num_threads", o.num_threads}}, "onnx-conversion: runtime " + name);
      });
      if (!create_error.empty()) {
        cell.note = create_error;
        results.push_back(cell);
        continue;
      }
      const auto formats = runtime->input_formats();
      if (std::find(formats.begin(), formats.end(), format.name) == formats.end()) continue;
      any_runtime = true;
      std::vector<Tensor> outputs;
      const std::string import_error = attempt([&] { runtime->prepare_model(file, load_io_spec(file)); });
      if (!import_error.empty()) {
        cell.note = "import failed: " + import_error;
        results.push_back(cell);
        continue;
      }
      cell.imported = true;
      const std::string run_error = attempt([&] {
        runtime->load_input(views);
        runtime->run();
        compare(reference, runtime->extract_output(), cell);
      });
      if (!run_error.empty()) cell.note = "inference failed: " + run_error;
      results.push_back(cell);
    }
    if (!any_runtime) {
      exported.note = "no runtime built in reads " + std::string(format.name);
      results.push_back(exported);
    }
  }
}

std::string mark(bool ok) { return ok ? "✔" : "✘"; }

std::string number(const std::optional<double>& v, const char* fmt) {
  if (!v) return "–";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, fmt, *v);
  return buffer;
}

// The cells of one result, shared by both renderers.
std::vector<std::string> cells(const ConversionResult& r) {
  const bool tried_import = !r.runtime.empty();
  return {r.model,
          r.framework.empty() ? "–" : r.framework,
          r.format.empty() ? "–" : r.format,
          r.format.empty() ? "–" : mark(r.exported),
          tried_import ? r.runtime : "–",
          tried_import ? mark(r.imported) : "–",
          number(r.max_abs_diff, "%.2e"),
          r.top1_agreement ? number(*r.top1_agreement * 100.0, "%.1f %%") : "–",
          r.note.empty() ? "" : r.note};
}

const std::vector<std::string> kHeader = {"Model",  "Framework",    "Format",          "Export", "Runtime",
                                          "Import", "Max abs diff", "Top-1 agreement", "Reason"};

std::string escape_markdown(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::vector<ConversionResult> run_onnx_conversion(const ConversionOptions& o) {
  check_names(o);
  std::error_code ec;
  fs::create_directories(o.work_dir, ec);
  if (ec || !fs::is_directory(o.work_dir)) {
    throw IoError("onnx-conversion: cannot create work folder '" + o.work_dir.string() + "'" +
                  (ec ? ": " + ec.message() : ""));
  }
  const std::vector<std::string> runtimes = runtime_names(o);
  std::vector<ConversionResult> results;
  for (const auto& m : o.models) check_model(m, o, runtimes, results);
  return results;
}

std::string conversion_markdown(const std::vector<ConversionResult>& results) {
  std::ostringstream md;
  md << "# ONNX conversion support matrix\n\n"
     << "Each model is exported from its framework to each format, loaded into each runtime that reads "
        "that format, and run on the same random inputs; differences are against the model run natively. "
        "✔ worked, ✘ failed (reason in the last column), – not applicable.\n\n|";
  for (const auto& h : kHeader) md << " " << h << " |";
  md << "\n|";
  for (std::size_t i = 0; i < kHeader.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& r : results) {
    md << "|";
    for (const auto& c : cells(r)) md << " " << escape_markdown(c) << " |";
    md << "\n";
  }
  return md.str();
}

std::string conversion_rst(const std::vector<ConversionResult>& results) {
  std::ostringstream rst;
  rst << "ONNX conversion support matrix\n==============================\n\n"
      << ".. list-table::\n   :header-rows: 1\n\n";
  auto row = [&](const std::vector<std::string>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      rst << (i == 0 ? "   * - " : "     - ") << (values[i].empty() ? "" : values[i]) << "\n";
    }
  };
  row(kHeader);
  for (const auto& r : results) row(cells(r));
  return rst.str();
}

}  // namespace kenning
