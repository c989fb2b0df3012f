#include "kenning/core/io_spec.h"

#include <fstream>
#include <sstream>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"

namespace kenning {

namespace {

const char* const kLists[] = {"input", "processed_input", "output", "processed_output"};

nlohmann::json entry_to_json(const TensorSpec& s) {
  nlohmann::json j = {{"name", s.name}, {"shape", s.shape}, {"dtype", dtype_name(s.dtype)}};
  if (s.order) j["order"] = *s.order;
  if (s.scale) j["scale"] = *s.scale;
  if (s.zero_point) j["zero_point"] = *s.zero_point;
  if (s.prequantized_dtype) j["prequantized_dtype"] = dtype_name(*s.prequantized_dtype);
  if (!s.mean.empty()) j["mean"] = s.mean;
  if (!s.std.empty()) j["std"] = s.std;
  if (!s.class_name.empty()) j["class_name"] = s.class_name;
  return j;
}

template <class T>
T get_typed(const nlohmann::json& j, const char* key, const std::string& where, const char* what) {
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(where + "." + key + ": expected " + what + ", got " + j.at(key).dump());
  }
}

TensorSpec entry_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ConfigError(where + ": expected an object, got " + j.dump());
  static const char* const known[] = {
      "name", "shape", "dtype",      "order", "scale", "zero_point", "prequantized_dtype",
      "mean", "std",   "class_name", "type"};
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) throw ConfigError(where + ": unknown key '" + key + "'");
  }
  TensorSpec s;
  if (!j.contains("name")) throw ConfigError(where + ": missing key 'name'");
  s.name = get_typed<std::string>(j, "name", where, "a string");
  if (j.contains("shape")) {
    s.shape = get_typed<Shape>(j, "shape", where, "a list of integers");
    for (auto d : s.shape) {
      if (d < -1) throw ConfigError(where + ".shape: dimensions must be >= -1, got " + std::to_string(d));
    }
  }
  if (j.contains("dtype"))
    s.dtype = parse_dtype(get_typed<std::string>(j, "dtype", where, "a string"), where + ".dtype");
  if (j.contains("order")) s.order = get_typed<int>(j, "order", where, "an integer");
  if (j.contains("scale")) s.scale = get_typed<double>(j, "scale", where, "a number");
  if (j.contains("zero_point")) s.zero_point = get_typed<std::int64_t>(j, "zero_point", where, "an integer");
  if (j.contains("prequantized_dtype")) {
    s.prequantized_dtype =
        parse_dtype(get_typed<std::string>(j, "prequantized_dtype", where, "a string"), where + ".prequantized_dtype");
  }
  if (j.contains("mean")) s.mean = get_typed<std::vector<double>>(j, "mean", where, "a list of numbers");
  if (j.contains("std")) s.std = get_typed<std::vector<double>>(j, "std", where, "a list of numbers");
  if (j.contains("class_name")) {
    const auto& c = j.at("class_name");
    if (c.is_string())
      s.class_name = {c.get<std::string>()};
    else
      s.class_name = get_typed<std::vector<std::string>>(j, "class_name", where, "a list of strings");
  }
  return s;
}

}  // namespace

bool TensorSpec::accepts_shape(const Shape& other) const {
  if (shape.empty()) return true;  // unspecified
  if (other.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] != -1 && shape[i] != other[i]) return false;
  }
  return true;
}

nlohmann::json IOSpec::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  const std::vector<TensorSpec>* lists[] = {&input, &processed_input, &output, &processed_output};
  for (int i = 0; i < 4; ++i) {
    if (lists[i]->empty() && i % 2 == 1) continue;  // processed_* only when they differ
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : *lists[i]) arr.push_back(entry_to_json(s));
    j[kLists[i]] = std::move(arr);
  }
  return j;
}

IOSpec IOSpec::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ConfigError(where + ": expected a JSON object with input/output lists");
  IOSpec spec;
  std::vector<TensorSpec>* lists[] = {&spec.input, &spec.processed_input, &spec.output, &spec.processed_output};
  for (const auto& [key, value] : j.items()) {
    int index = -1;
    for (int i = 0; i < 4; ++i)
      if (key == kLists[i]) index = i;
    if (index < 0) {
      throw ConfigError(where + ": unknown key '" + key +
                        "', expected input, processed_input, output, processed_output");
    }
    if (!value.is_array()) throw ConfigError(where + "." + key + ": expected a list");
    for (std::size_t e = 0; e < value.size(); ++e) {
      lists[index]->push_back(entry_from_json(value[e], where + "." + key + "[" + std::to_string(e) + "]"));
    }
  }
  if (spec.input.empty()) throw ConfigError(where + ": missing or empty 'input' list");
  if (spec.output.empty()) throw ConfigError(where + ": missing or empty 'output' list");
  return spec;
}

const std::vector<TensorSpec>& IOSpec::model_inputs() const {
  return processed_input.empty() ? input : processed_input;
}

const std::vector<TensorSpec>& IOSpec::model_outputs() const { return output; }

std::filesystem::path io_spec_path(const std::filesystem::path& model_path) {
  return std::filesystem::path(model_path.string() + ".json");
}

void save_io_spec(const IOSpec& spec, const std::filesystem::path& model_path) {
  write_file_atomically(io_spec_path(model_path), spec.to_json().dump(2) + "\n");
}

IOSpec load_io_spec(const std::filesystem::path& model_path) {
  const auto path = io_spec_path(model_path);
  std::ifstream in(path);
  if (!in) throw IoError(path.string() + ": cannot open I/O specification");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw IoError(path.string() + ": not valid JSON: " + e.what());
  }
  try {
    return IOSpec::from_json(j, path.string());
  } catch (const ConfigError& e) {
    throw IoError(e.what());
  }
}

void check_inputs_against_spec(std::span<const TensorView> inputs, const std::vector<TensorSpec>& specs) {
  if (inputs.size() != specs.size()) {
    throw ConfigError("model expects " + std::to_string(specs.size()) + " input(s), got " +
                      std::to_string(inputs.size()));
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    if (inputs[i].dtype() != s.dtype) {
      throw ConfigError("input '" + s.name + "': expected dtype " + std::string(dtype_name(s.dtype)) + ", got " +
                        std::string(dtype_name(inputs[i].dtype())));
    }
    if (!s.accepts_shape(inputs[i].shape())) {
      throw ConfigError("input '" + s.name + "': expected shape " + shape_to_string(s.shape) + " (-1 = any), got " +
                        shape_to_string(inputs[i].shape()));
    }
  }
}

}  // namespace kenning
