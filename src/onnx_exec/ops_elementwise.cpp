// Element-wise ops: arithmetic with numpy broadcasting, activations, Clip.
#include <functional>
#include <limits>

#include "kenning/core/error.h"
#include "onnx_exec/op_table.h"

namespace kenning::onnx_exec {
namespace {

using Unary = at::Tensor (*)(const at::Tensor&);
using Binary = at::Tensor (*)(const at::Tensor&, const at::Tensor&);

Kernel make_unary(Unary fn, const OpContext&) {
  return [fn](const Values& in) { return Values{fn(in[0])}; };
}

void add_unary(OpTable& t, const std::string& op, Unary fn) { t[op] = std::bind_front(make_unary, fn); }

bool is_integral(const at::Tensor& t) { return at::isIntegralType(t.scalar_type(), true); }

at::Tensor onnx_div(const at::Tensor& a, const at::Tensor& b) {
  // ONNX integer division truncates; ATen's plain div would promote to float.
  return is_integral(a) ? at::div(a, b, "trunc") : at::div(a, b);
}

Kernel make_binary(Binary fn, const OpContext& ctx) {
  // Opsets < 7 had an explicit `broadcast` attribute; 7+ always broadcast.
  if (ctx.has("broadcast")) ctx.unsupported("attribute 'broadcast' (opset < 7)");
  return [fn](const Values& in) { return Values{fn(in[0], in[1])}; };
}

Kernel make_fold(Binary fn, bool mean, const OpContext&) {
  return [fn, mean](const Values& in) {
    at::Tensor acc = in[0];
    for (std::size_t i = 1; i < in.size(); ++i) acc = fn(acc, in[i]);
    if (mean) acc = acc / static_cast<double>(in.size());
    return Values{acc};
  };
}

Kernel make_elu(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 1.0f);
  return [alpha](const Values& in) { return Values{at::elu(in[0], alpha)}; };
}

Kernel make_selu(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 1.67326319217681884765625f);
  const double gamma = ctx.attr_float("gamma", 1.05070102214813232421875f);
  return [alpha, gamma](const Values& in) { return Values{at::elu(in[0], alpha, gamma)}; };
}

Kernel make_leaky_relu(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 0.01f);
  return [alpha](const Values& in) { return Values{at::leaky_relu(in[0], alpha)}; };
}

Kernel make_hard_sigmoid(const OpContext& ctx) {
  const double alpha = ctx.attr_float("alpha", 0.2f);
  const double beta = ctx.attr_float("beta", 0.5f);
  return [alpha, beta](const Values& in) { return Values{at::clamp(in[0] * alpha + beta, 0.0, 1.0)}; };
}

Kernel make_prelu(const OpContext&) {
  return [](const Values& in) { return Values{at::where(in[0] < 0, in[0] * in[1], in[0])}; };
}

Kernel make_clip(const OpContext& ctx) {
  if (ctx.opset() < 11) {
    // Bounds are attributes before opset 11.
    const double lo = ctx.attr_float("min", -std::numeric_limits<float>::infinity());
    const double hi = ctx.attr_float("max", std::numeric_limits<float>::infinity());
    return [lo, hi](const Values& in) { return Values{at::clamp(in[0], lo, hi)}; };
  }
  return [](const Values& in) {
    at::Tensor y = in[0];
    // Element-wise, so min > max yields max as ONNX (numpy.clip) specifies.
    if (in.size() > 1 && in[1].defined()) y = at::maximum(y, in[1].to(y.scalar_type()));
    if (in.size() > 2 && in[2].defined()) y = at::minimum(y, in[2].to(y.scalar_type()));
    return Values{y};
  };
}

}  // namespace

void register_elementwise_ops(OpTable& t) {
  const std::pair<const char*, Binary> binaries[] = {
      {"Add", [](const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }},
      {"Sub", [](const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }},
      {"Mul", [](const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }},
      {"Div", onnx_div},
  };
  for (const auto& [op, fn] : binaries) t[op] = std::bind_front(make_binary, fn);

  add_unary(t, "Relu", [](const at::Tensor& x) { return at::relu(x); });
  add_unary(t, "Sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); });
  add_unary(t, "Tanh", [](const at::Tensor& x) { return at::tanh(x); });
  add_unary(t, "Exp", [](const at::Tensor& x) { return at::exp(x); });
  add_unary(t, "Log", [](const at::Tensor& x) { return at::log(x); });
  add_unary(t, "Sqrt", [](const at::Tensor& x) { return at::sqrt(x); });
  add_unary(t, "Neg", [](const at::Tensor& x) { return at::neg(x); });
  add_unary(t, "Abs", [](const at::Tensor& x) { return at::abs(x); });
  add_unary(t, "Reciprocal", [](const at::Tensor& x) { return at::reciprocal(x); });
  add_unary(t, "Floor", [](const at::Tensor& x) { return at::floor(x); });
  add_unary(t, "Ceil", [](const at::Tensor& x) { return at::ceil(x); });
  add_unary(t, "Erf", [](const at::Tensor& x) { return at::erf(x); });
  add_unary(t, "HardSwish", [](const at::Tensor& x) { return at::hardswish(x); });

  add_unary(t, "Sin", [](const at::Tensor& x) { return at::sin(x); });
  add_unary(t, "Cos", [](const at::Tensor& x) { return at::cos(x); });
  add_unary(t, "Sign", [](const at::Tensor& x) { return at::sign(x); });
  // torch.round, like ONNX, rounds halves to even.
  add_unary(t, "Round", [](const at::Tensor& x) { return at::round(x); });
  add_unary(t, "Softsign", [](const at::Tensor& x) { return x / (x.abs() + 1); });
  add_unary(t, "Softplus", [](const at::Tensor& x) { return at::log1p(at::exp(x)); });
  add_unary(t, "Not", [](const at::Tensor& x) { return at::logical_not(x); });

  const std::pair<const char*, Binary> logic[] = {
      {"Equal", [](const at::Tensor& a, const at::Tensor& b) { return at::eq(a, b); }},
      {"Less", [](const at::Tensor& a, const at::Tensor& b) { return at::lt(a, b); }},
      {"LessOrEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::le(a, b); }},
      {"Greater", [](const at::Tensor& a, const at::Tensor& b) { return at::gt(a, b); }},
      {"GreaterOrEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ge(a, b); }},
      {"And", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_and(a, b); }},
      {"Or", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_or(a, b); }},
      {"Xor", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_xor(a, b); }},
      // The result keeps the base's type (the exponent may be another type).
      {"Pow", [](const at::Tensor& a, const at::Tensor& b) { return at::pow(a, b).to(a.scalar_type()); }},
  };
  for (const auto& [op, fn] : logic) t[op] = std::bind_front(make_binary, fn);

  // Variadic element-wise ops fold their inputs with numpy broadcasting.
  const std::pair<const char*, Binary> folds[] = {
      {"Max", [](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }},
      {"Min", [](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }},
      {"Sum", [](const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }},
      {"Mean", [](const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }},
  };
  for (const auto& [op, fn] : folds) t[op] = std::bind_front(make_fold, fn, std::string(op) == "Mean");

  t["Elu"] = make_elu;
  t["Selu"] = make_selu;
  t["LeakyRelu"] = make_leaky_relu;
  t["HardSigmoid"] = make_hard_sigmoid;
  t["PRelu"] = make_prelu;
  t["Clip"] = make_clip;
}

}  // namespace kenning::onnx_exec
