#include "nets/net_init.h"

#include <cmath>
#include <functional>
#include <numbers>
#include <random>

namespace kenning {

namespace {

// SplitMix64's finaliser: spreads nearby seeds over the whole state.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a: a stable hash of the parameter name (std::hash is not stable).
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Draws defined here rather than std::*_distribution, whose algorithms the
// standard leaves to the library.
class Stream {
 public:
  Stream(std::int64_t seed, const std::string& name) : rng_(mix(static_cast<std::uint64_t>(seed)) ^ fnv1a(name)) {}
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal(double stddev) {  // Box-Muller; 1 - u is in (0, 1]
    const double r = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    return stddev * r * std::cos(2.0 * std::numbers::pi * uniform());
  }

 private:
  std::mt19937_64 rng_;
};

template <class Draw>
std::vector<float> fill(const Shape& shape, Draw draw) {
  std::vector<float> v(static_cast<std::size_t>(shape_numel(shape)));
  for (float& x : v) x = static_cast<float>(draw());
  return v;
}

}  // namespace

NetParams init_net_params(const NetGraph& graph, std::int64_t seed, LinearInit linear) {
  std::map<std::string, const NetNode*> nodes;
  for (const NetNode& n : graph.nodes) nodes[n.name] = &n;
  NetParams params;
  for (const NetParamDecl& d : net_param_decls(graph)) {
    const NetNode& n = *nodes.at(d.node);
    Stream s(seed, d.name);
    std::function<double()> draw;
    if (n.op == NetOp::Conv2d) {
      const double fan_in = static_cast<double>(n.in / n.groups * n.kernel * n.kernel);
      const double fan_out = static_cast<double>(n.out * n.kernel * n.kernel);
      const double bound = 1.0 / std::sqrt(fan_in);
      if (d.field == "weight") {
        draw = [&s, fan_out] { return s.normal(std::sqrt(2.0 / fan_out)); };
      } else {
        draw = [&s, bound] { return s.uniform(-bound, bound); };
      }
    } else if (n.op == NetOp::BatchNorm2d) {
      const double lo = d.field == "weight" || d.field == "running_var" ? 0.5 : d.field == "bias" ? -0.2 : -0.1;
      const double hi = lo < 0 ? -lo : lo + 1.0;
      draw = [&s, lo, hi] { return s.uniform(lo, hi); };
    } else {  // Linear
      const double bound = 1.0 / std::sqrt(static_cast<double>(n.in));
      if (linear == LinearInit::Normal001) {
        draw = d.field == "weight" ? std::function<double()>([&s] { return s.normal(0.01); })
                                   : std::function<double()>([] { return 0.0; });
      } else {
        draw = [&s, bound] { return s.uniform(-bound, bound); };
      }
    }
    params[d.name] = {d.shape, fill(d.shape, draw)};
  }
  return params;
}

std::vector<float> net_calibration_input(const NetGraph& graph, std::int64_t seed, std::int64_t samples) {
  Stream s(seed, "calibration_input");
  return fill({samples, shape_numel(graph.input_shape)}, [&s] { return s.uniform(); });
}

}  // namespace kenning
