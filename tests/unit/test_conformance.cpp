// Conformance of every registered class, whatever its family: what the CLI,
// scenario validation, `kenning info` and the saved configuration derive from
// a class's one parameter declaration must hold for each of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "datasets/detection_dataset.h"
#include "datasets/fashion_mnist_dataset.h"
#include "datasets/random_dataset.h"
#include "datasets/random_tensor_dataset.h"
#include "dataproviders/camera_data_provider.h"
#include "dataproviders/image_folder_data_provider.h"
#include "dataproviders/tcp_data_provider.h"
#include "kenning/core/params.h"
#include "kenning/registries.h"
#include "modelwrappers/onnx_image_classifier.h"
#include "modelwrappers/onnx_model.h"
#include "modelwrappers/onnx_ssd_detector.h"
#include "modelwrappers/onnx_yolo_detector.h"
#include "optimizers/onnx_fp16_compressor.h"
#include "optimizers/onnx_graph_optimizer.h"
#include "optimizers/onnx_int8_quantizer.h"
#include "optimizers/pytorch_pruning.h"
#include "optimizers/torchscript_optimizer.h"
#include "outputcollectors/json_lines_writer.h"
#include "outputcollectors/name_printer.h"
#include "outputcollectors/video_recorder.h"
#include "outputcollectors/window_visualizer.h"
#include "runners/model_runtime_runner_params.h"
#include "runtimes/onnx_exec_runtime.h"
#include "runtimes/opencv_runtime.h"
#include "runtimes/torchscript_runtime.h"

namespace kenning {
namespace {

bool is_snake_case(const std::string& name) {
  return !name.empty() && std::islower(static_cast<unsigned char>(name.front())) &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                  c == '_';
         });
}

// A number inside the declaration's limits: `preferred` when allowed.
double number_within(const ParamDecl& d, double preferred) {
  double v = preferred;
  if (d.min) v = std::max(v, *d.min);
  if (d.max) v = std::min(v, *d.max);
  return v;
}

// A value of the declared type, different from the default where the type
// allows: a binding that drops or mangles a value then shows up.
json other_value(const ParamDecl& d) {
  switch (d.type) {
    case ParamType::Int: {
      const double base = d.default_value.is_number() ? d.default_value.get<double>() + 1 : 1;
      return static_cast<std::int64_t>(number_within(d, base));
    }
    case ParamType::Float: {
      const double base = d.default_value.is_number() ? d.default_value.get<double>() + 0.5 : 0.5;
      return number_within(d, base);
    }
    case ParamType::Bool:
      return d.default_value.is_boolean() ? !d.default_value.get<bool>() : true;
    case ParamType::String:
      return "conformance";
    case ParamType::Path:
      return "conformance/model.onnx";
    case ParamType::Enum:
      return d.choices.back();
    case ParamType::List:
      return json::array();
    case ParamType::Block:
      return json{{"type", "Any"}, {"parameters", json::object()}};
  }
  return nullptr;
}

struct Case {
  const RegistryBase* family;
  const ClassInfo* info;
};

std::vector<Case> every_class() {
  std::vector<Case> cases;
  for (const RegistryBase* family : registries().all()) {
    for (const ClassInfo& info : family->classes()) cases.push_back({family, &info});
  }
  return cases;
}

TEST(Conformance, EveryFamilyHasClasses) {
  for (const RegistryBase* family : registries().all()) {
    EXPECT_FALSE(family->classes().empty()) << family->family();
  }
}

TEST(Conformance, NamesAreUniqueAndDescribed) {
  std::set<std::string> dotted;
  for (const auto& [family, info] : every_class()) {
    SCOPED_TRACE(info->name);
    EXPECT_FALSE(info->description.empty());
    EXPECT_TRUE(dotted.insert(info->dotted_name).second) << "dotted name used twice: " << info->dotted_name;
    EXPECT_EQ(&family->find(info->name), info);
    EXPECT_EQ(&family->find(info->dotted_name), info);
    if (!info->available) EXPECT_FALSE(info->unavailable_reason.empty());
  }
}

TEST(Conformance, EveryParameterIsDeclaredCompletely) {
  for (const auto& [family, info] : every_class()) {
    std::set<std::string> flags;
    for (const ParamDecl& d : info->params) {
      SCOPED_TRACE(info->name + "." + d.name);
      EXPECT_TRUE(is_snake_case(d.name));
      EXPECT_FALSE(d.help.empty()) << "no help text";
      EXPECT_TRUE(flags.insert(d.flag()).second) << "flag used twice: " << d.flag();
      // Upstream's names of the parameter are flags and keys too.
      for (const auto& alias : d.aliases) {
        ParamDecl named = d;
        named.name = alias;
        EXPECT_TRUE(is_snake_case(alias)) << alias;
        EXPECT_TRUE(flags.insert(named.flag()).second) << "flag used twice: " << named.flag();
      }
      if (d.type == ParamType::Enum) EXPECT_FALSE(d.choices.empty());
      if (d.min && d.max) EXPECT_LE(*d.min, *d.max);
      if (d.required) EXPECT_TRUE(d.default_value.is_null()) << "a required parameter has a default";
      // A default must pass the declaration's own checks, or `kenning info`
      // shows a value the scenario validator would refuse.
      if (!d.default_value.is_null()) {
        EXPECT_NO_THROW(check_param_value(d, d.default_value, info->name + "." + d.name));
      }
    }
  }
}

TEST(Conformance, ParametersRoundTripThroughTheSchema) {
  for (const auto& [family, info] : every_class()) {
    SCOPED_TRACE(info->name);
    if (!info->available) continue;
    ASSERT_TRUE(info->rebind) << "no schema binding";
    // Once with the defaults (required parameters given), once with every
    // parameter set to another value.
    json required = json::object();
    json changed = json::object();
    for (const ParamDecl& d : info->params) {
      if (d.required) required[d.name] = other_value(d);
      changed[d.name] = other_value(d);
    }
    for (const json& given : {required, changed}) {
      const json validated = validate_params(info->params, given, "conformance", info->name);
      EXPECT_EQ(validate_params(info->params, validated, "conformance", info->name), validated)
          << "validation is not idempotent";
      EXPECT_EQ(info->rebind(validated), validated) << "to_json(from_validated(p)) differs from p";
    }
  }
}

// "kenning.runtimes.opencv.OpenCVRuntime" -> "opencv".
std::string module_of(const std::string& dotted) {
  const auto class_dot = dotted.rfind('.');
  const auto module_dot = dotted.rfind('.', class_dot - 1);
  return dotted.substr(module_dot + 1, class_dot - module_dot - 1);
}

// What `kenning list` and `kenning info` show of a class.
void expect_same_description(const ClassInfo& unavailable, const ClassInfo& available) {
  EXPECT_EQ(unavailable.name, available.name);
  EXPECT_EQ(unavailable.dotted_name, available.dotted_name);
  EXPECT_EQ(unavailable.family, available.family);
  EXPECT_EQ(unavailable.description, available.description);
  ASSERT_EQ(unavailable.params.size(), available.params.size());
  for (std::size_t i = 0; i < available.params.size(); ++i) {
    SCOPED_TRACE(available.params[i].name);
    EXPECT_TRUE(unavailable.params[i] == available.params[i]);
  }
}

// Registers C as a build without its backend would (add_unavailable<C>, in a
// scratch registry of the same family) and compares it with the registration
// this build made (add<C>). Returns C's name.
template <class C, class Base>
std::string expect_unavailable_matches(const Registry<Base>& family) {
  const std::string name = C::schema().class_name();
  SCOPED_TRACE(name);
  const ClassInfo& available = family.find(name);
  EXPECT_TRUE(available.available) << "this build has every backend";
  Registry<Base> scratch(family.family(), family.package());
  scratch.template add_unavailable<C>(module_of(available.dotted_name), "built without it");
  const ClassInfo& unavailable = scratch.find(name);
  EXPECT_FALSE(unavailable.available);
  EXPECT_EQ(unavailable.unavailable_reason, "built without it");
  expect_same_description(unavailable, available);
  return name;
}

// Every class a build without some backend lists as unavailable (and the
// datasets, cheap to include). Exempt: the classes registered in every build
// with add<C>: the protocols and the libtorch networks, which say what is
// missing when used.
TEST(Conformance, UnavailableRegistrationMatchesAvailable) {
  const Registries& r = registries();
  std::set<std::string> checked = {
      expect_unavailable_matches<FashionMNISTDataset>(r.datasets),
      expect_unavailable_matches<MNISTDataset>(r.datasets),
      expect_unavailable_matches<RandomizedClassificationDataset>(r.datasets),
      expect_unavailable_matches<RandomTensorDataset>(r.datasets),
      expect_unavailable_matches<COCODetectionDataset>(r.datasets),
      expect_unavailable_matches<VOCDetectionDataset>(r.datasets),
      expect_unavailable_matches<ONNXModel>(r.model_wrappers),
      expect_unavailable_matches<ONNXImageClassifier>(r.model_wrappers),
      expect_unavailable_matches<ONNXSSDDetector>(r.model_wrappers),
      expect_unavailable_matches<ONNXYOLODetector>(r.model_wrappers),
      expect_unavailable_matches<ONNXGraphOptimizer>(r.optimizers),
      expect_unavailable_matches<ONNXFloat16Compressor>(r.optimizers),
      expect_unavailable_matches<ONNXInt8Quantizer>(r.optimizers),
      expect_unavailable_matches<TorchScriptOptimizer>(r.optimizers),
      expect_unavailable_matches<PyTorchMagnitudePruner>(r.optimizers),
      expect_unavailable_matches<OpenCVRuntime>(r.runtimes),
      expect_unavailable_matches<PyTorchRuntime>(r.runtimes),
      expect_unavailable_matches<ONNXExecRuntime>(r.runtimes),
      expect_unavailable_matches<CameraDataProvider>(r.data_providers),
      expect_unavailable_matches<ImageFolderDataProvider>(r.data_providers),
      expect_unavailable_matches<TCPDataProvider>(r.data_providers),
      expect_unavailable_matches<JSONLinesWriter>(r.output_collectors),
      expect_unavailable_matches<NamePrinter>(r.output_collectors),
      expect_unavailable_matches<VideoRecorder>(r.output_collectors),
      expect_unavailable_matches<WindowVisualizer>(r.output_collectors),
  };
  {
    // The runners hold declarations only.
    const auto& schema = model_runtime_runner_schema();
    const ClassInfo& available = r.runners.find(schema.class_name());
    RegistryBase scratch(r.runners.family(), r.runners.package());
    scratch.add_unavailable(schema, "modelruntime", "built without it");
    expect_same_description(scratch.find(schema.class_name()), available);
    checked.insert(schema.class_name());
  }
  // A class registered since needs its line above.
  const std::set<std::string> always_built = {"PyTorchFashionMNISTCNN", "PyTorchMobileNetV2", "PyTorchResNet"};
  for (const auto& [family, info] : every_class()) {
    if (family == &r.protocols || always_built.count(info->name)) continue;
    EXPECT_TRUE(checked.count(info->name)) << info->name << " is not checked here";
  }
}

}  // namespace
}  // namespace kenning
