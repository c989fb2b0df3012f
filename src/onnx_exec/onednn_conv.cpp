#include "onnx_exec/onednn_conv.h"

#if defined(KENNING_WITH_ONEDNN) && __has_include(<oneapi/dnnl/dnnl.hpp>)
#include <oneapi/dnnl/dnnl.hpp>
#if DNNL_VERSION_MAJOR == 2
#define KENNING_DIRECT_CONV 1
#endif
#endif

#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

namespace kenning::onnx_exec {

bool quantized_params_fit(const DirectConvParams& p) {
  const auto& q = p.quantized;
  const auto is_8_bit = [](at::ScalarType t) { return t == at::kByte || t == at::kChar; };
  return q && p.weight.defined() && p.weight.dim() == 4 && p.weight.scalar_type() == at::kChar && is_8_bit(q->src) &&
         is_8_bit(q->dst) && !q->output_scales.empty() &&
         (q->output_scales.size() == 1 || static_cast<std::int64_t>(q->output_scales.size()) == p.weight.size(0));
}

#ifdef KENNING_DIRECT_CONV

namespace {

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

// Never destroyed: cached primitives and memories of Executors that outlive
// static destruction still refer to it.
const dnnl::engine& cpu_engine() {
  static const dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

// A stream per thread: streams are cheap on the CPU and not meant to be
// shared between threads.
dnnl::stream& thread_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

// N, C, H, W, resolved pads (top, left, bottom, right), bias present.
using Key = std::array<std::int64_t, 9>;

// One input shape's primitive, with everything one call needs.
struct Entry {
  Key key{};
  std::int64_t out_h = 0, out_w = 0;
  dnnl::convolution_forward primitive;
  dnnl::memory src, weights, bias, dst, scratchpad, src_zero_point, dst_zero_point;
  std::array<dnnl_exec_arg_t, 7> args{};
  int num_args = 0;
  bool failed = false;  // oneDNN refused this shape: it stays on ATen
  bool busy = false;    // a thread is running it (guarded by DirectConv::mutex)
  std::uint64_t last_use = 0;
};

}  // namespace

class DirectConv {
 public:
  explicit DirectConv(DirectConvParams p) : params(std::move(p)) {}

  DirectConvParams params;   // params.weight: contiguous
  at::Tensor source_weight;  // the initializer as the graph holds it
  std::int64_t out_channels = 0, in_channels = 0, kernel_h = 0, kernel_w = 0;
  std::int64_t activation = 0;  // 0 none, 1 relu, 2 clip, 3 clamp after (see make_direct_conv)
  // oneDNN types of source, weight, bias and destination.
  dt src_type = dt::f32, weight_type = dt::f32, bias_type = dt::f32, dst_type = dt::f32;
  // Zero points, read by oneDNN at run time through memories over these.
  std::int32_t zero_points[2] = {0, 0};

  mutable std::mutex mutex;
  std::vector<std::unique_ptr<Entry>> entries;
  // The weight reordered into each layout a primitive asked for (usually one).
  std::vector<std::pair<dnnl::memory::desc, dnnl::memory>> reordered;
  std::uint64_t clock = 0;

  static constexpr std::size_t kMaxEntries = 16;

  // nullptr when oneDNN refuses the case.
  Entry* acquire(const Key& key);
  void release(Entry* e) {
    std::lock_guard<std::mutex> lock(mutex);
    e->busy = false;
  }

 private:
  std::unique_ptr<Entry> create(const Key& key);
  dnnl::memory weights_in(const dnnl::memory::desc& md);
};

dnnl::memory DirectConv::weights_in(const dnnl::memory::desc& md) {
  for (const auto& [desc, mem] : reordered) {
    if (desc == md) return mem;
  }
  const at::Tensor& w = params.weight;
  const dnnl::memory::desc plain =
      params.group == 1
          ? dnnl::memory::desc({out_channels, in_channels, kernel_h, kernel_w}, weight_type, tag::oihw)
          : dnnl::memory::desc({params.group, out_channels / params.group, in_channels, kernel_h, kernel_w},
                               weight_type, tag::goihw);
  dnnl::memory src(plain, cpu_engine(), w.data_ptr());
  dnnl::memory dst(md, cpu_engine());  // oneDNN's own allocation, kept with the node
  dnnl::stream& s = thread_stream();
  dnnl::reorder(src, dst).execute(s, src, dst);
  s.wait();
  reordered.emplace_back(md, dst);
  return dst;
}

std::unique_ptr<Entry> DirectConv::create(const Key& key) {
  const std::int64_t n = key[0], c = key[1], h = key[2], w = key[3];
  const std::int64_t sh = params.strides[0], sw = params.strides[1];
  const std::int64_t dh = params.dilations[0], dw = params.dilations[1];
  auto e = std::make_unique<Entry>();
  e->key = key;
  e->out_h = (h + key[4] + key[6] - ((kernel_h - 1) * dh + 1)) / sh + 1;
  e->out_w = (w + key[5] + key[7] - ((kernel_w - 1) * dw + 1)) / sw + 1;
  if (e->out_h <= 0 || e->out_w <= 0) return nullptr;
  const bool with_bias = key[8] != 0;

  const dnnl::memory::desc src_md({n, c, h, w}, src_type, tag::nhwc);
  const dnnl::memory::desc dst_md({n, out_channels, e->out_h, e->out_w}, dst_type, tag::nhwc);
  const dnnl::memory::desc bias_md =
      with_bias ? dnnl::memory::desc({out_channels}, bias_type, tag::x) : dnnl::memory::desc();
  const dnnl::memory::desc any_w =
      params.group == 1
          ? dnnl::memory::desc({out_channels, in_channels, kernel_h, kernel_w}, weight_type, tag::any)
          : dnnl::memory::desc({params.group, out_channels / params.group, in_channels, kernel_h, kernel_w},
                               weight_type, tag::any);
  const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                             src_md, any_w, bias_md, dst_md, {sh, sw}, {dh - 1, dw - 1},
                                             {key[4], key[5]}, {key[6], key[7]});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const auto& q = params.quantized;
  if (q) {
    // oneDNN v2: dst = post_ops(scale * (conv(src - zp_src, w) + bias)) + zp_dst,
    // rounded and saturated; the scales are constants, the zero points runtime.
    attr.set_output_scales(q->output_scales.size() == 1 ? 0 : 1 << 1, q->output_scales);
    attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
  }
  if (activation == 1 || activation == 2) {
    dnnl::post_ops ops;
    if (activation == 1) {
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    } else {
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, params.activation_min, params.activation_max);
    }
    attr.set_post_ops(ops);
  }
  const dnnl::convolution_forward::primitive_desc pd(desc, attr, cpu_engine());
  e->primitive = dnnl::convolution_forward(pd);
  e->weights = weights_in(pd.weights_desc());
  e->src = dnnl::memory(src_md, cpu_engine(), DNNL_MEMORY_NONE);
  e->dst = dnnl::memory(dst_md, cpu_engine(), DNNL_MEMORY_NONE);
  // Each argument costs dnnl_primitive_execute a hash-map node per call:
  // pass the scratchpad only when the kernel needs one.
  const bool with_scratchpad = pd.scratchpad_desc().get_size() > 0;
  if (with_scratchpad) e->scratchpad = dnnl::memory(pd.scratchpad_desc(), cpu_engine());
  auto arg = [&](int id, const dnnl::memory& m) { e->args[e->num_args++] = {id, m.get()}; };
  arg(DNNL_ARG_SRC, e->src);
  arg(DNNL_ARG_WEIGHTS, e->weights);
  if (with_bias) {
    e->bias = dnnl::memory(bias_md, cpu_engine(), DNNL_MEMORY_NONE);
    arg(DNNL_ARG_BIAS, e->bias);
  }
  arg(DNNL_ARG_DST, e->dst);
  if (with_scratchpad) arg(DNNL_ARG_SCRATCHPAD, e->scratchpad);
  if (q) {
    const dnnl::memory::desc zp_md({1}, dt::s32, tag::x);
    e->src_zero_point = dnnl::memory(zp_md, cpu_engine(), &zero_points[0]);
    e->dst_zero_point = dnnl::memory(zp_md, cpu_engine(), &zero_points[1]);
    arg(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, e->src_zero_point);
    arg(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, e->dst_zero_point);
  }
  return e;
}

Entry* DirectConv::acquire(const Key& key) {
  std::lock_guard<std::mutex> lock(mutex);
  ++clock;
  for (auto& e : entries) {
    if (!e->busy && e->key == key) {
      if (e->failed) return nullptr;
      e->busy = true;
      e->last_use = clock;
      return e.get();
    }
  }
  // First call at this shape (or every entry for it is busy on another
  // thread): make one. Keep the cache bounded by dropping the least recently
  // used idle entry.
  std::unique_ptr<Entry> made;
  try {
    made = create(key);
  } catch (const dnnl::error&) {
    made = nullptr;
  }
  const bool failed = !made;
  if (failed) {  // remember the refusal: this shape stays on ATen
    made = std::make_unique<Entry>();
    made->key = key;
    made->failed = true;
  }
  if (entries.size() >= kMaxEntries) {
    auto victim = entries.end();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (!(*it)->busy && (victim == entries.end() || (*it)->last_use < (*victim)->last_use)) victim = it;
    }
    if (victim != entries.end()) entries.erase(victim);
  }
  made->busy = !failed;
  made->last_use = clock;
  entries.push_back(std::move(made));
  return failed ? nullptr : entries.back().get();
}

bool direct_conv_available() { return true; }

bool direct_int8_conv_exact() {
  // The VNNI bits of oneDNN's ISA values (avx512_core_vnni 0x40, avx2_vnni 0x400).
  static const bool vnni = (static_cast<unsigned>(dnnl::get_effective_cpu_isa()) & 0x440u) != 0;
  return vnni;
}

namespace {

std::optional<dt> int8_type(at::ScalarType t) {
  if (t == at::kByte) return dt::u8;
  if (t == at::kChar) return dt::s8;
  return std::nullopt;
}

}  // namespace

std::shared_ptr<DirectConv> make_direct_conv(DirectConvParams params) {
  const at::Tensor& w = params.weight;
  const auto& q = params.quantized;
  const at::ScalarType weight_type = q ? at::kChar : at::kFloat;
  if (!w.defined() || w.dim() != 4 || w.scalar_type() != weight_type || params.group < 1 ||
      w.size(0) % params.group != 0 || w.numel() == 0) {
    return nullptr;
  }
  if (q && (!direct_int8_conv_exact() || !quantized_params_fit(params))) return nullptr;
  for (int i = 0; i < 2; ++i) {
    if (params.strides[i] < 1 || params.dilations[i] < 1) return nullptr;
  }
  at::Tensor source = w;
  params.weight = w.contiguous();
  auto conv = std::make_shared<DirectConv>(std::move(params));
  conv->source_weight = std::move(source);
  const DirectConvParams& p = conv->params;
  conv->out_channels = p.weight.size(0);
  conv->in_channels = p.weight.size(1);
  conv->kernel_h = p.weight.size(2);
  conv->kernel_w = p.weight.size(3);
  if (q) {
    conv->src_type = *int8_type(q->src);
    conv->dst_type = *int8_type(q->dst);
    conv->weight_type = dt::s8;
    conv->bias_type = dt::s32;
    conv->zero_points[0] = q->src_zero_point;
    conv->zero_points[1] = q->dst_zero_point;
  }
  if (p.fused) {
    const float lo = p.activation_min, hi = p.activation_max;
    constexpr float inf = std::numeric_limits<float>::infinity();
    if (std::isnan(lo) || std::isnan(hi) || lo > hi) {
      if (q) return nullptr;  // the integer kernel clamps such bounds itself
      conv->activation = 3;   // ATen's clamp_ semantics for odd bounds
    } else if (lo == 0.0f && hi == inf) {
      conv->activation = 1;
    } else if (lo != -inf || hi != inf) {
      conv->activation = 2;
    }
  }
  return conv;
}

at::Tensor run_direct_conv(DirectConv& conv, const at::Tensor& x_in, const at::Tensor& w, const at::Tensor& bias) {
  const DirectConvParams& p = conv.params;
  // The weight was reordered at load: only the initializer itself will do.
  if (w.unsafeGetTensorImpl() != conv.source_weight.unsafeGetTensorImpl()) return {};
  const at::ScalarType src_type = p.quantized ? p.quantized->src : at::kFloat;
  const at::ScalarType bias_type = p.quantized ? at::kInt : at::kFloat;
  if (x_in.dim() != 4 || x_in.scalar_type() != src_type || x_in.device().type() != at::kCPU ||
      x_in.size(1) != conv.in_channels * p.group || x_in.numel() == 0) {
    return {};
  }
  if (bias.defined() && (bias.scalar_type() != bias_type || bias.dim() != 1 || bias.size(0) != conv.out_channels ||
                         bias.device().type() != at::kCPU)) {
    return {};
  }
  constexpr auto nhwc = at::MemoryFormat::ChannelsLast;
  const at::Tensor x = x_in.contiguous(nhwc);

  Key key{
      x.size(0), x.size(1), x.size(2), x.size(3), p.pads[0], p.pads[1], p.pads[2], p.pads[3], bias.defined() ? 1 : 0};
  using AutoPad = DirectConvParams::AutoPad;
  if (p.auto_pad == AutoPad::Valid) {
    key[4] = key[5] = key[6] = key[7] = 0;
  } else if (p.auto_pad != AutoPad::NotSet) {
    const std::int64_t kernel[2] = {conv.kernel_h, conv.kernel_w};
    for (int i = 0; i < 2; ++i) {
      const std::int64_t in = x.size(2 + i);
      const std::int64_t out = (in + p.strides[i] - 1) / p.strides[i];
      const std::int64_t total =
          std::max<std::int64_t>(0, (out - 1) * p.strides[i] + (kernel[i] - 1) * p.dilations[i] + 1 - in);
      const std::int64_t small = total / 2;
      key[4 + i] = p.auto_pad == AutoPad::SameUpper ? small : total - small;
      key[6 + i] = total - key[4 + i];
    }
  }
  for (int i = 4; i < 8; ++i) {
    if (key[i] < 0) return {};
  }

  Entry* e = conv.acquire(key);
  if (!e) return {};
  at::Tensor y;
  try {
    y = at::empty({key[0], conv.out_channels, e->out_h, e->out_w},
                  x.options().dtype(p.quantized ? p.quantized->dst : at::kFloat).memory_format(nhwc));
    const at::Tensor b = bias.defined() ? bias.contiguous() : bias;
    dnnl::stream& s = thread_stream();
    e->src.set_data_handle(x.data_ptr());
    e->dst.set_data_handle(y.data_ptr());
    if (b.defined()) e->bias.set_data_handle(b.data_ptr());
    dnnl::error::wrap_c_api(dnnl_primitive_execute(e->primitive.get(), s.get(), e->num_args, e->args.data()),
                            "could not execute a convolution");
    s.wait();
  } catch (...) {
    conv.release(e);
    throw;
  }
  conv.release(e);
  if (conv.activation == 3) y.clamp_(p.activation_min, p.activation_max);
  return y;
}

std::size_t direct_conv_cache_size(const DirectConv& conv) {
  std::lock_guard<std::mutex> lock(conv.mutex);
  return conv.entries.size();
}

#else  // built without oneDNN

class DirectConv {};

bool direct_conv_available() { return false; }
bool direct_int8_conv_exact() { return false; }
std::shared_ptr<DirectConv> make_direct_conv(DirectConvParams) { return nullptr; }
at::Tensor run_direct_conv(DirectConv&, const at::Tensor&, const at::Tensor&, const at::Tensor&) { return {}; }
std::size_t direct_conv_cache_size(const DirectConv&) { return 0; }

#endif

}  // namespace kenning::onnx_exec
