#include "onnx_exec/int8_loops.h"

#include <algorithm>
#include <type_traits>

namespace kenning::onnx_exec {
namespace {

// x's own memory order when it is dense (contiguous or channels-last), so a
// flat loop visits every element once and the result keeps the layout.
at::Tensor dense(const at::Tensor& x) {
  if (x.is_contiguous() || (x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast))) return x;
  return x.contiguous();
}

at::Tensor empty_like_dense(const at::Tensor& x, at::ScalarType type) {
  const bool nhwc = x.dim() == 4 && !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
  return at::empty(x.sizes(), x.options().dtype(type).memory_format(nhwc ? at::MemoryFormat::ChannelsLast
                                                                         : at::MemoryFormat::Contiguous));
}

template <class T>
void quantize_loop(const float* x, T* y, std::int64_t n, float scale, std::int32_t zp, float lo, float hi) {
  // Adding and subtracting 1.5 * 2^23 rounds a float of magnitude < 2^22
  // to the nearest integer, halves to even (the default rounding mode), and
  // vectorizes where std::nearbyint does not; the clamp keeps it in range.
  constexpr float magic = 12582912.0f;
  const float zpf = static_cast<float>(zp);
  for (std::int64_t i = 0; i < n; ++i) {
    float v = x[i] / scale;
    v = v == v ? std::min(std::max(v, lo - zpf), hi - zpf) : 0.0f;  // NaN: the zero point
    y[i] = static_cast<T>(static_cast<std::int32_t>((v + magic) - magic) + zp);
  }
}

// The rounding of quantize_loop for one value already divided by the scale.
template <class T>
T quantize_one(float v, std::int32_t zp, float lo, float hi) {
  constexpr float magic = 12582912.0f;
  const float zpf = static_cast<float>(zp);
  v = v == v ? std::min(std::max(v, lo - zpf), hi - zpf) : 0.0f;
  return static_cast<T>(static_cast<std::int32_t>((v + magic) - magic) + zp);
}

template <class T, class U>
void add_loop(const T* a, const T* b, U* y, std::int64_t n, QuantScalar pa, QuantScalar pb, QuantScalar py,
              float act_lo, float act_hi) {
  const float lo = std::is_same_v<U, std::uint8_t> ? 0.0f : -128.0f;
  const float hi = lo + 255.0f;
  for (std::int64_t i = 0; i < n; ++i) {
    const float fa = static_cast<float>(static_cast<std::int32_t>(a[i]) - pa.zero_point) * pa.scale;
    const float fb = static_cast<float>(static_cast<std::int32_t>(b[i]) - pb.zero_point) * pb.scale;
    const float sum = std::min(std::max(fa + fb, act_lo), act_hi);
    y[i] = quantize_one<U>(sum / py.scale, py.zero_point, lo, hi);
  }
}

template <class T>
void dequantize_loop(const T* x, float* y, std::int64_t n, float scale, std::int32_t zp) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(static_cast<std::int32_t>(x[i]) - zp) * scale;
}

template <class T>
void block_max_loop(const T* x, T* y, std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c, std::int64_t kh,
                    std::int64_t kw) {
  const std::int64_t oh = h / kh, ow = w / kw;
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t i = 0; i < oh; ++i) {
      for (std::int64_t j = 0; j < ow; ++j) {
        T* out = y + ((b * oh + i) * ow + j) * c;
        const T* first = x + ((b * h + i * kh) * w + j * kw) * c;
        std::copy(first, first + c, out);
        for (std::int64_t di = 0; di < kh; ++di) {
          for (std::int64_t dj = 0; dj < kw; ++dj) {
            const T* in = x + ((b * h + i * kh + di) * w + j * kw + dj) * c;
            for (std::int64_t k = 0; k < c; ++k) out[k] = std::max(out[k], in[k]);
          }
        }
      }
    }
  }
}

}  // namespace

at::Tensor quantize_per_tensor(const at::Tensor& x_in, float scale, std::int32_t zero_point, at::ScalarType type) {
  const at::Tensor x = dense(x_in.to(at::kFloat));
  at::Tensor y = empty_like_dense(x, type);
  if (type == at::kByte) {
    quantize_loop(x.data_ptr<float>(), y.data_ptr<std::uint8_t>(), x.numel(), scale, zero_point, 0.0f, 255.0f);
  } else {
    quantize_loop(x.data_ptr<float>(), y.data_ptr<std::int8_t>(), x.numel(), scale, zero_point, -128.0f, 127.0f);
  }
  return y;
}

at::Tensor dequantize_per_tensor(const at::Tensor& x_in, float scale, std::int32_t zero_point) {
  const at::Tensor x = dense(x_in);
  at::Tensor y = empty_like_dense(x, at::kFloat);
  if (x.scalar_type() == at::kByte) {
    dequantize_loop(x.data_ptr<std::uint8_t>(), y.data_ptr<float>(), x.numel(), scale, zero_point);
  } else {
    dequantize_loop(x.data_ptr<std::int8_t>(), y.data_ptr<float>(), x.numel(), scale, zero_point);
  }
  return y;
}

at::Tensor add_per_tensor(const at::Tensor& a, QuantScalar pa, const at::Tensor& b, QuantScalar pb, QuantScalar py,
                          at::ScalarType y_type, float lo, float hi) {
  const at::ScalarType t = a.scalar_type();
  if (b.scalar_type() != t || (t != at::kByte && t != at::kChar) || (y_type != at::kByte && y_type != at::kChar) ||
      a.sizes() != b.sizes() || a.strides() != b.strides() || !a.is_non_overlapping_and_dense()) {
    return {};
  }
  // Same sizes and strides, dense: element i of one storage pairs with element i of the other.
  at::Tensor y = at::empty_strided(a.sizes(), a.strides(), a.options().dtype(y_type));
  const std::int64_t n = a.numel();
  auto run = [&](auto* ap, auto* bp) {
    if (y_type == at::kByte)
      add_loop(ap, bp, y.data_ptr<std::uint8_t>(), n, pa, pb, py, lo, hi);
    else
      add_loop(ap, bp, y.data_ptr<std::int8_t>(), n, pa, pb, py, lo, hi);
  };
  if (t == at::kByte)
    run(a.data_ptr<std::uint8_t>(), b.data_ptr<std::uint8_t>());
  else
    run(a.data_ptr<std::int8_t>(), b.data_ptr<std::int8_t>());
  return y;
}

at::Tensor block_max_pool2d(const at::Tensor& x_in, std::int64_t kh, std::int64_t kw) {
  constexpr auto nhwc = at::MemoryFormat::ChannelsLast;
  const at::Tensor x = x_in.contiguous(nhwc);
  const std::int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  at::Tensor y = at::empty({n, c, h / kh, w / kw}, x.options().memory_format(nhwc));
  if (x.scalar_type() == at::kByte) {
    block_max_loop(x.data_ptr<std::uint8_t>(), y.data_ptr<std::uint8_t>(), n, h, w, c, kh, kw);
  } else {
    block_max_loop(x.data_ptr<std::int8_t>(), y.data_ptr<std::int8_t>(), n, h, w, c, kh, kw);
  }
  return y;
}

}  // namespace kenning::onnx_exec
