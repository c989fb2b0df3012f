#include "scenarios/pipeline.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "kenning/registries.h"
#include "scenarios/platform_block.h"

namespace kenning {

namespace {

const nlohmann::json kEmpty = nlohmann::json::object();

const nlohmann::json& params_of(const nlohmann::json& block) {
  return block.contains("parameters") && !block["parameters"].is_null() ? block["parameters"] : kEmpty;
}

template <class Base>
std::unique_ptr<Base> build_block(const Registry<Base>& registry, const nlohmann::json& scenario,
                                  const std::string& key, const std::string& where) {
  if (!scenario.contains(key)) return nullptr;
  const auto& block = scenario[key];
  return registry.create(block.at("type").get<std::string>(), params_of(block), where + ": " + key);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s.empty() ? "nothing" : s;
}

bool reads(const std::vector<std::string>& formats, const std::string& f) {
  return std::find(formats.begin(), formats.end(), f) != formats.end();
}

}  // namespace

nlohmann::json Pipeline::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (!platform.is_null()) j["platform"] = platform;
  if (dataset) j["dataset"] = dataset->to_json();
  if (model_wrapper) j["model_wrapper"] = model_wrapper->to_json();
  if (!optimizers.empty()) {
    j["optimizers"] = nlohmann::json::array();
    for (const auto& o : optimizers) j["optimizers"].push_back(o->to_json());
  }
  if (runtime) j["runtime"] = runtime->to_json();
  if (protocol) j["protocol"] = protocol->to_json();
  return j;
}

Pipeline build_pipeline(const nlohmann::json& scenario, const std::string& where,
                        const std::vector<std::string>& required) {
  for (const auto& key : required) {
    if (!scenario.contains(key)) {
      throw ConfigError(where + ": missing '" + key + "' block (give it in the scenario or with --" +
                        (key == "model_wrapper" ? std::string("modelwrapper") : key) + "-cls)");
    }
  }
  for (const char* key : {"automl", "runtime_builder", "optimization_parameters", "inference_loop"}) {
    if (scenario.contains(key)) {
      spdlog::warn("{}: {}: upstream Kenning's '{}' block is not supported by kenning-cpp; ignored", where, key, key);
    }
  }
  const auto& reg = registries();
  Pipeline p;
  if (scenario.contains("platform")) p.platform = check_platform_block(scenario["platform"], where + ": platform");
  p.dataset = build_block(reg.datasets, scenario, "dataset", where);
  p.model_wrapper = build_block(reg.model_wrappers, scenario, "model_wrapper", where);
  if (scenario.contains("optimizers")) {
    const auto& list = scenario["optimizers"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      p.optimizers.push_back(reg.optimizers.create(list[i].at("type").get<std::string>(), params_of(list[i]),
                                                   where + ": optimizers[" + std::to_string(i) + "]"));
    }
  }
  p.runtime = build_block(reg.runtimes, scenario, "runtime", where);
  p.protocol = build_block(reg.protocols, scenario, "protocol", where);
  // Datasets that generate data for the model take its input shapes now, so
  // a mismatch is reported before any work starts.
  if (p.dataset && p.model_wrapper && p.dataset->shapes_inputs_from_model()) {
    try {
      p.dataset->use_model_inputs(p.model_wrapper->preprocess_input_spec());
    } catch (const ConfigError& e) {
      throw ConfigError(where + ": dataset: " + e.what());
    }
  }
  return p;
}

std::string check_format_chain(const Pipeline& p) {
  std::string format = p.model_wrapper->model_format();
  std::string trail =
      "model " + p.model_wrapper->model_path().string() + " (" + (format.empty() ? "unknown format" : format) + ")";
  for (std::size_t i = 0; i < p.optimizers.size(); ++i) {
    const auto& o = *p.optimizers[i];
    if (!reads(o.input_formats(), format)) {
      // The wrapper can also hand the model over in another format it writes.
      const bool first_can_convert =
          i == 0 && std::any_of(o.input_formats().begin(), o.input_formats().end(),
                                [&](const std::string& f) { return reads(p.model_wrapper->output_formats(), f); });
      if (!first_can_convert) {
        throw ConfigError("optimizers[" + std::to_string(i) + "] " + o.type_name() + " reads " +
                          join(o.input_formats()) + ", but receives " + format + "; chain so far: " + trail);
      }
    }
    format = o.output_formats().front();
    trail += " -> " + o.type_name() + " (" + format + ")";
  }
  if (p.runtime && !reads(p.runtime->input_formats(), format)) {
    throw ConfigError("runtime " + p.runtime->type_name() + " reads " + join(p.runtime->input_formats()) +
                      ", but the model it gets is " + (format.empty() ? "of unknown format" : format) +
                      "; chain: " + trail + ". Point model_path at a model the runtime reads or add an optimizer");
  }
  return format;
}

}  // namespace kenning
