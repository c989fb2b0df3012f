// .npy reading and writing. The header is a Python dict literal; we accept the
// subset NumPy itself writes: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
#include "kenning/core/npy.h"

#include <array>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "kenning/core/error.h"
#include "kenning/core/file_io.h"

namespace kenning {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kMaxHeader = 1 << 16;  // NumPy itself caps headers far below this
constexpr std::uintmax_t kMaxFile = std::uintmax_t{4} << 30;
constexpr std::size_t kMaxRank = 32;

struct DescrName {
  std::string_view descr;
  DType dtype;
};
// '<' little-endian, '|' not applicable (one byte), '=' native (little here).
constexpr std::array<DescrName, 6> kDescrs = {{{"f4", DType::Float32},
                                               {"f2", DType::Float16},
                                               {"i1", DType::Int8},
                                               {"u1", DType::UInt8},
                                               {"i4", DType::Int32},
                                               {"i8", DType::Int64}}};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw IoError(where + ": not a readable .npy file: " + what);
}

// The value text after 'key': up to the next top-level ',' or '}'.
std::string_view dict_value(std::string_view header, std::string_view key, const std::string& where) {
  std::string quoted(1, '\'');  // built by appending: GCC 12 warns falsely on "'" + key
  quoted.append(key).push_back('\'');
  const auto at = header.find(quoted);
  if (at == std::string_view::npos) fail(where, "header has no " + quoted + " key");
  auto pos = header.find(':', at + quoted.size());
  if (pos == std::string_view::npos) fail(where, "header key " + quoted + " has no value");
  ++pos;
  while (pos < header.size() && header[pos] == ' ') ++pos;
  int depth = 0;
  std::size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  if (depth != 0 || end == header.size()) fail(where, "header value of " + quoted + " is not terminated");
  if (header[pos] == '(') {  // keep the whole tuple, including its commas
    const auto close = header.find(')', pos);
    return header.substr(pos, close - pos + 1);
  }
  return header.substr(pos, end - pos);
}

DType parse_descr(std::string_view value, const std::string& where) {
  if (value.size() < 2 || (value.front() != '\'' && value.front() != '"') || value.back() != value.front()) {
    fail(where, "'descr' is not a string: " + std::string(value));
  }
  const std::string_view descr = value.substr(1, value.size() - 2);
  if (descr.size() == 3 && (descr[0] == '<' || descr[0] == '|' || descr[0] == '=')) {
    for (const auto& d : kDescrs) {
      if (descr.substr(1) == d.descr) return d.dtype;
    }
  }
  fail(where, "dtype '" + std::string(descr) +
                  "' is not supported; expected little-endian float32, float16, int8, uint8, int32 or int64");
}

Shape parse_shape(std::string_view value, const std::string& where) {
  if (value.size() < 2 || value.front() != '(' || value.back() != ')') {
    fail(where, "'shape' is not a tuple: " + std::string(value));
  }
  Shape shape;
  std::string_view rest = value.substr(1, value.size() - 2);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    if (rest.empty()) break;
    std::size_t n = 0;
    std::int64_t dim = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      if (dim > (std::numeric_limits<std::int64_t>::max() - 9) / 10) fail(where, "a shape dimension is too large");
      dim = dim * 10 + (rest[n] - '0');
      ++n;
    }
    if (n == 0 && rest.front() == '-') fail(where, "'shape' holds a negative dimension: " + std::string(value));
    if (n == 0) fail(where, "'shape' holds a non-integer: " + std::string(value));
    if (shape.size() == kMaxRank) fail(where, "'shape' has more than 32 dimensions");
    shape.push_back(dim);
    rest.remove_prefix(n);
  }
  return shape;
}

}  // namespace

Tensor parse_npy(std::string_view bytes, const std::string& where) {
  if (bytes.size() < 10 || bytes.substr(0, kMagic.size()) != kMagic) fail(where, "missing the \\x93NUMPY magic");
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(where, "truncated header");
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    header_start = 12;
  } else {
    fail(where, "format version " + std::to_string(major) + " is not 1, 2 or 3");
  }
  if (header_len > kMaxHeader) fail(where, "header of " + std::to_string(header_len) + " bytes is too long");
  if (bytes.size() < header_start + header_len) fail(where, "truncated header");
  const std::string_view header = bytes.substr(header_start, header_len);

  const DType dtype = parse_descr(dict_value(header, "descr", where), where);
  const std::string_view fortran = dict_value(header, "fortran_order", where);
  if (fortran == "True") fail(where, "Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
  if (fortran != "False") fail(where, "'fortran_order' is neither True nor False");
  Shape shape = parse_shape(dict_value(header, "shape", where), where);

  const std::string_view data = bytes.substr(header_start + header_len);
  // Compare counts, not products, so a huge shape cannot overflow.
  std::uintmax_t expected = dtype_size(dtype);
  for (const auto dim : shape) {
    if (dim != 0 && expected > kMaxFile / static_cast<std::uintmax_t>(dim)) {
      fail(where, "shape " + shape_to_string(shape) + " is larger than the file");
    }
    expected *= static_cast<std::uintmax_t>(dim);
  }
  if (data.size() != expected) {
    fail(where, "shape " + shape_to_string(shape) + " of " + std::string(dtype_name(dtype)) + " needs " +
                    std::to_string(expected) + " data bytes, the file has " + std::to_string(data.size()));
  }
  Tensor t(dtype, std::move(shape));
  if (!data.empty()) std::memcpy(t.bytes().data(), data.data(), data.size());
  return t;
}

Tensor load_npy(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError(path.string() + ": cannot read .npy file: " + ec.message());
  if (size > kMaxFile) throw IoError(path.string() + ": .npy file is larger than 4 GiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open .npy file");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) throw IoError(path.string() + ": short read");
  return parse_npy(bytes, path.string());
}

std::string to_npy(const TensorView& tensor) {
  static const std::array<std::string_view, 6> kNames = {"<f4", "<f2", "|i1", "|u1", "<i4", "<i8"};
  std::ostringstream dict;
  std::string dims;
  for (const auto dim : tensor.shape()) dims += (dims.empty() ? "" : ", ") + std::to_string(dim);
  if (tensor.shape().size() == 1) dims += ",";  // (5,) as NumPy writes it
  dict << "{'descr': '" << kNames[static_cast<std::size_t>(tensor.dtype())] << "', 'fortran_order': False, 'shape': ("
       << dims << ")";
  std::string header = dict.str();
  header += ", }";
  // Data starts on a 64-byte boundary; the header ends with '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out(kMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char*>(tensor.bytes().data()), tensor.bytes().size());
  return out;
}

void save_npy(const TensorView& tensor, const std::filesystem::path& path) {
  write_file_atomically(path, to_npy(tensor));
}

}  // namespace kenning
