// `kenning infer`: runs one model on given .npy tensors and writes each output
// as .npy — the tool to reach for when a model misbehaves.
//
//   kenning infer --model m.onnx [--runtime ONNXExecRuntime] --input a.npy [--input b.npy]
//                 --output-dir out/ [runtime flags, e.g. --num-threads 2]
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "command_line.h"
#include "commands.h"
#include "kenning/config.h"
#include "kenning/core/error.h"
#include "kenning/core/npy.h"
#include "kenning/model_wrapper.h"
#include "kenning/registries.h"
#include "scenarios/pipeline.h"
#include "schema_flags.h"

#if KENNING_WITH_ONNX
#include "onnx/onnx_io_spec.h"
#endif

namespace kenning::cli {

namespace fs = std::filesystem;

namespace {

struct InferOptions {
  fs::path model;
  std::vector<fs::path> input;
  fs::path output_dir;
  static const ParamSchema<InferOptions>& schema() {
    static const auto s =
        ParamSchema<InferOptions>("infer", "Options of `kenning infer`")
            .field("model", &InferOptions::model, "Model file to run (.onnx, .ts)")
            .required()
            .field("input", &InferOptions::input, "Input tensor as .npy, one per model input, in order")
            .required()
            .field("output_dir", &InferOptions::output_dir, "Folder for the outputs, one .npy per model output")
            .required();
    return s;
  }
};

// The project's extension table, except that a .pt/.pth given to infer is
// taken as a TorchScript archive (what torch.jit.save usually writes);
// PyTorchRuntime refuses plain weights files with a clear error.
std::string model_format(const fs::path& model) {
  const std::string format = model_format_from_path(model);
  if (format == "torch") return "torchscript";
  if (format.empty()) {
    throw ConfigError("--model " + model.string() + ": unknown model format '" + model.extension().string() +
                      "'; expected .onnx or .ts/.pt (TorchScript)");
  }
  return format;
}

// The first built-in runtime that reads the format, ours before OpenCV's.
std::string default_runtime(const std::string& format) {
  const auto& runtimes = registries().runtimes;
  for (const char* name : {"ONNXExecRuntime", "OpenCVRuntime", "PyTorchRuntime"}) {
    const auto i = runtimes.index_of(name);
    if (i == std::string_view::npos || !runtimes.classes()[i].available) continue;
    const bool torchscript = std::string(name) == "PyTorchRuntime";
    if (torchscript == (format == "torchscript")) return name;
  }
  throw ConfigError("no runtime for " + format + " models was built in (see kenning list runtimes)");
}

IOSpec spec_for(const fs::path& model, const std::string& format) {
  if (fs::exists(io_spec_path(model))) return load_io_spec(model);
#if KENNING_WITH_ONNX
  if (format == "onnx") return io_spec_from_onnx(model);
#endif
  throw IoError(model.string() + ": needs its I/O specification " + io_spec_path(model).string() +
                " (only ONNX files can be read without one)");
}

// Output file name from a tensor name: path separators and odd characters
// become '_' so a name cannot leave the output folder.
std::string file_name_for(const std::string& tensor_name, std::size_t index) {
  std::string name = tensor_name.empty() ? "output_" + std::to_string(index) : tensor_name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  if (name.front() == '.') name.front() = '_';
  return name + ".npy";
}

}  // namespace

int run_infer(const std::vector<std::string>& raw_args, const std::string& command_text) {
  // `--runtime X` is the documented spelling of `--runtime-cls X`.
  std::vector<std::string> args;
  fs::path model_arg;
  bool has_runtime = false;
  for (std::size_t i = 0; i < raw_args.size(); ++i) {
    if (raw_args[i] == "--runtime" || raw_args[i] == "--runtime-cls") {
      args.push_back("--runtime-cls");
      has_runtime = true;
      continue;
    }
    if (raw_args[i] == "--model" && i + 1 < raw_args.size()) model_arg = raw_args[i + 1];
    if (raw_args[i].rfind("--model=", 0) == 0) model_arg = raw_args[i].substr(8);
    args.push_back(raw_args[i]);
  }
  if (!has_runtime && !model_arg.empty()) {
    args.insert(args.begin(), {"--runtime-cls", default_runtime(model_format(model_arg))});
  }

  SchemaFlags<InferOptions> infer_flags(InferOptions::schema());
  ScenarioCommand cmd =
      parse_scenario_command({"infer"}, args, command_text, [&](CLI::App& app) { infer_flags.add_to(app); });
  if (cmd.help_shown) return 0;
  const InferOptions o = infer_flags.values();

  const std::string format = model_format(o.model);
  if (!fs::is_regular_file(o.model)) throw IoError("--model " + o.model.string() + ": no such file");
  Pipeline pipeline = build_pipeline(cmd.scenario, cmd.where, {"runtime"});
  Runtime& runtime = *pipeline.runtime;
  const auto formats = runtime.input_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    throw ConfigError(runtime.type_name() + " does not read " + format + " models (--model " + o.model.string() + ")");
  }
  const IOSpec spec = spec_for(o.model, format);
  const auto& in_specs = spec.model_inputs();
  if (o.input.size() != in_specs.size()) {
    throw ConfigError("--input: the model takes " + std::to_string(in_specs.size()) + " input(s), got " +
                      std::to_string(o.input.size()) + " file(s)");
  }
  std::vector<Tensor> inputs;
  for (std::size_t i = 0; i < o.input.size(); ++i) {
    Tensor t = load_npy(o.input[i]);
    const TensorSpec& s = in_specs[i];
    if (t.dtype() != s.dtype || !s.accepts_shape(t.shape())) {
      throw ConfigError("--input " + o.input[i].string() + ": model input '" + s.name + "' expects " +
                        std::string(dtype_name(s.dtype)) + " " + shape_to_string(s.shape) + ", the file holds " +
                        std::string(dtype_name(t.dtype())) + " " + shape_to_string(t.shape()));
    }
    inputs.push_back(std::move(t));
  }

  // The folder is made before the model runs so an unwritable path fails fast.
  std::error_code ec;
  fs::create_directories(o.output_dir, ec);
  if (ec || !fs::is_directory(o.output_dir)) {
    throw IoError("--output-dir " + o.output_dir.string() + ": cannot create folder" + (ec ? ": " + ec.message() : ""));
  }

  runtime.prepare_model(o.model, spec);
  std::vector<TensorView> views;
  for (const auto& t : inputs) views.push_back(t.view());
  runtime.load_input(views);
  runtime.run();
  const std::vector<Tensor> outputs = runtime.extract_output();

  const auto& out_specs = spec.model_outputs();
  std::set<std::string> used;  // two names may sanitise alike: keep both files
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    std::string file = file_name_for(i < out_specs.size() ? out_specs[i].name : "", i);
    if (!used.insert(file).second) {
      file = file_name_for("output_" + std::to_string(i), i);
      used.insert(file);
    }
    const fs::path path = o.output_dir / file;
    save_npy(outputs[i].view(), path);
    std::cout << path.string() << ": " << dtype_name(outputs[i].dtype()) << " " << shape_to_string(outputs[i].shape())
              << "\n";
  }
  return 0;
}

}  // namespace kenning::cli
