#include "protocols/io_spec_payload.h"

#include <array>
#include <cstdint>

#include "kenning/core/error.h"

namespace kenning::protocol {

namespace {

constexpr const char* kLists[] = {"input", "processed_input", "output", "processed_output"};
constexpr const char* kEntryFirst[] = {"name", "shape", "dtype"};

// Python's json.dumps with its default separators; object keys in `order` first.
void dump_python_style(const nlohmann::json& j, std::string& out, std::span<const char* const> order) {
  if (j.is_object()) {
    out += '{';
    bool first = true;
    auto emit = [&](const std::string& key, const nlohmann::json& value) {
      if (!first) out += ", ";
      first = false;
      out += nlohmann::json(key).dump(-1, ' ', true);
      out += ": ";
      dump_python_style(value, out, kEntryFirst);
    };
    for (const char* key : order) {
      if (j.contains(key)) emit(key, j.at(key));
    }
    for (const auto& [key, value] : j.items()) {
      bool seen = false;
      for (const char* k : order) seen = seen || key == k;
      if (!seen) emit(key, value);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (i) out += ", ";
      dump_python_style(j[i], out, kEntryFirst);
    }
    out += ']';
  } else {
    out += j.dump(-1, ' ', true);
  }
}

// Offsets of the struct's fields (upstream's packed layout).
constexpr std::size_t kMaxInputs = 2, kMaxOutputs = 12, kMaxDims = 4, kNameSize = 20;
constexpr std::size_t kNumInput = 0, kInputDims = 4, kInputShape = 12, kInputType = 44;
constexpr std::size_t kNumOutput = 48, kOutputDims = 52, kOutputShape = 100, kOutputType = 292;
constexpr std::size_t kModelName = 336;  // after entry_func, char[20] at 316, left empty
static_assert(kModelName + kNameSize == kIoSpecStructSize);

struct DLType {
  std::uint8_t code, bits;
};
constexpr std::pair<DType, DLType> kDLTypes[] = {{DType::Float32, {2, 32}}, {DType::Float16, {2, 16}},
                                                 {DType::Int8, {0, 8}},     {DType::UInt8, {1, 8}},
                                                 {DType::Int32, {0, 32}},   {DType::Int64, {0, 64}}};

void put_u32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
}
std::uint32_t get_u32(std::span<const std::byte> b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<std::uint8_t>(b[at + i])} << (8 * i);
  return v;
}

bool put_tensors(std::vector<std::byte>& b, const std::vector<TensorSpec>& tensors, std::size_t most,
                 std::size_t count_at, std::size_t dims_at, std::size_t shape_at, std::size_t type_at) {
  if (tensors.size() > most) return false;
  put_u32(b, count_at, static_cast<std::uint32_t>(tensors.size()));
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    const auto& shape = tensors[t].shape;
    if (shape.size() > kMaxDims) return false;
    put_u32(b, dims_at + 4 * t, static_cast<std::uint32_t>(shape.size()));
    for (std::size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] < 0 || shape[d] > 0xFFFFFFFFll) return false;
      put_u32(b, shape_at + 16 * t + 4 * d, static_cast<std::uint32_t>(shape[d]));
    }
    const DLType* dl = nullptr;
    for (const auto& [dtype, type] : kDLTypes) {
      if (dtype == tensors[t].dtype) dl = &type;
    }
    if (!dl) return false;
    b[type_at + 2 * t] = static_cast<std::byte>(dl->code);
    b[type_at + 2 * t + 1] = static_cast<std::byte>(dl->bits);
  }
  return true;
}

std::vector<TensorSpec> get_tensors(std::span<const std::byte> b, const char* what, std::size_t most,
                                    std::size_t count_at, std::size_t dims_at, std::size_t shape_at,
                                    std::size_t type_at) {
  const std::uint32_t count = get_u32(b, count_at);
  if (count > most) {
    throw ConfigError(std::string("IO_SPEC struct: num_") + what + " is " + std::to_string(count) +
                      ", expected at most " + std::to_string(most));
  }
  std::vector<TensorSpec> tensors(count);
  for (std::size_t t = 0; t < count; ++t) {
    const std::uint32_t dims = get_u32(b, dims_at + 4 * t);
    if (dims > kMaxDims) {
      throw ConfigError(std::string("IO_SPEC struct: num_") + what + "_dim[" + std::to_string(t) + "] is " +
                        std::to_string(dims) + ", expected at most 4");
    }
    tensors[t].name = std::string(what) + "_" + std::to_string(t);
    for (std::size_t d = 0; d < dims; ++d) tensors[t].shape.push_back(get_u32(b, shape_at + 16 * t + 4 * d));
    const DLType dl{static_cast<std::uint8_t>(b[type_at + 2 * t]), static_cast<std::uint8_t>(b[type_at + 2 * t + 1])};
    bool known = false;
    for (const auto& [dtype, type] : kDLTypes) {
      if (type.code == dl.code && type.bits == dl.bits) {
        tensors[t].dtype = dtype;
        known = true;
      }
    }
    if (!known) {
      throw ConfigError(std::string("IO_SPEC struct: ") + what + "_data_type[" + std::to_string(t) + "]: code " +
                        std::to_string(dl.code) + ", " + std::to_string(dl.bits) + " bits is not a supported dtype");
    }
  }
  return tensors;
}

}  // namespace

std::string io_spec_json_payload(const IOSpec& spec) {
  std::string out;
  dump_python_style(spec.to_json(), out, kLists);
  return out;
}

std::optional<std::vector<std::byte>> io_spec_struct_payload(const IOSpec& spec) {
  if (!spec.processed_input.empty() || !spec.processed_output.empty()) return std::nullopt;
  std::vector<std::byte> b(kIoSpecStructSize);
  if (!put_tensors(b, spec.input, kMaxInputs, kNumInput, kInputDims, kInputShape, kInputType) ||
      !put_tensors(b, spec.output, kMaxOutputs, kNumOutput, kOutputDims, kOutputShape, kOutputType)) {
    return std::nullopt;
  }
  const std::string name = "module";
  for (std::size_t i = 0; i < name.size(); ++i) b[kModelName + i] = static_cast<std::byte>(name[i]);
  return b;
}

bool is_io_spec_struct(std::span<const std::byte> payload) {
  // num_input (at most 2) is its first byte; JSON starts with a printable character.
  return payload.size() == kIoSpecStructSize && payload[0] <= std::byte{kMaxInputs};
}

IOSpec parse_io_spec_payload(std::span<const std::byte> payload) {
  if (is_io_spec_struct(payload)) {
    IOSpec spec;
    spec.input = get_tensors(payload, "input", kMaxInputs, kNumInput, kInputDims, kInputShape, kInputType);
    spec.output = get_tensors(payload, "output", kMaxOutputs, kNumOutput, kOutputDims, kOutputShape, kOutputType);
    return spec;
  }
  const auto* text = reinterpret_cast<const char*>(payload.data());
  const auto j = nlohmann::json::parse(text, text + payload.size(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw ConfigError("IO_SPEC: payload is neither a JSON object nor the " + std::to_string(kIoSpecStructSize) +
                      "-byte I/O spec struct (" + std::to_string(payload.size()) + " bytes)");
  }
  return IOSpec::from_json(j, "IO_SPEC");
}

}  // namespace kenning::protocol
