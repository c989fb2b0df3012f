#include "optimizers/onnx_graph_optimizer.h"

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <onnx/common/version.h>
#include <onnx/onnx_pb.h>
#include <spdlog/spdlog.h>

#include "kenning/config.h"
#include "kenning/core/error.h"
#if KENNING_WITH_TORCH
#include "optimizers/constant_evaluation.h"
#endif
#include "onnx/onnx_graph_builder.h"
#include "optimizers/onnx_model_util.h"

namespace kenning {
namespace {

constexpr const char* kClass = "ONNXGraphOptimizer";

// Names the passes must not touch: graph inputs/outputs and everything a
// subgraph (If/Loop/Scan body) mentions.
struct GraphNames {
  std::set<std::string> inputs, outputs, in_subgraphs;
  std::map<std::string, int> initializers;  // name -> index

  explicit GraphNames(const onnx::GraphProto& g) {
    for (const auto& v : g.input()) inputs.insert(v.name());
    for (const auto& v : g.output()) outputs.insert(v.name());
    for (int i = 0; i < g.initializer_size(); ++i) initializers[g.initializer(i).name()] = i;
    std::function<void(const onnx::GraphProto&)> walk = [&](const onnx::GraphProto& sub) {
      for (const auto& n : sub.node()) {
        for (const auto& s : n.input()) in_subgraphs.insert(s);
        for (const auto& s : n.output()) in_subgraphs.insert(s);
        for (const auto& a : n.attribute()) {
          if (a.has_g()) walk(a.g());
          for (const auto& gg : a.graphs()) walk(gg);
        }
      }
      for (const auto& v : sub.output()) in_subgraphs.insert(v.name());
    };
    for (const auto& n : g.node()) {
      for (const auto& a : n.attribute()) {
        if (a.has_g()) walk(a.g());
        for (const auto& gg : a.graphs()) walk(gg);
      }
    }
  }
  // An initializer that is not also a graph input (whose value callers may override).
  const onnx::TensorProto* constant(const onnx::GraphProto& g, const std::string& name) const {
    if (name.empty() || inputs.count(name)) return nullptr;
    const auto it = initializers.find(name);
    return it == initializers.end() ? nullptr : &g.initializer(it->second);
  }
};

std::map<std::string, int> reader_counts(const onnx::GraphProto& g) {
  std::map<std::string, int> counts;
  for (const auto& n : g.node()) {
    for (const auto& s : n.input()) ++counts[s];
  }
  return counts;
}

// A name no value, node or initializer of `g` uses yet.
std::string fresh_name(const onnx::GraphProto& g, const std::string& base) {
  std::set<std::string> used;
  for (const auto& t : g.initializer()) used.insert(t.name());
  for (const auto& n : g.node()) {
    for (const auto& s : n.input()) used.insert(s);
    for (const auto& s : n.output()) used.insert(s);
  }
  for (const auto& v : g.input()) used.insert(v.name());
  for (const auto& v : g.output()) used.insert(v.name());
  std::string name = base;
  for (int i = 1; used.count(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

void remove_nodes(onnx::GraphProto& g, const std::set<int>& dead) {
  if (dead.empty()) return;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < g.node_size(); ++i) {
    if (!dead.count(i)) *kept.Add() = g.node(i);
  }
  g.mutable_node()->Swap(&kept);
}

void add_float_initializer(onnx::GraphProto& g, const std::string& name, const std::vector<std::int64_t>& dims,
                           const std::vector<float>& v) {
  onnx::TensorProto* t = g.add_initializer();
  t->set_name(name);
  for (auto d : dims) t->add_dims(d);
  set_onnx_float_values(*t, v);
}

// ---- constant folding ------------------------------------------------------

// Constant -> initializer; Reshape and Shape of initializers evaluated.
bool fold_constants(onnx::ModelProto& model) {
  onnx::GraphProto& g = *model.mutable_graph();
  if (model.ir_version() < 4) return false;  // initializers must also be inputs there
  bool changed = false;
  std::set<int> dead;
  for (int i = 0; i < g.node_size(); ++i) {
    const GraphNames names(g);
    const onnx::NodeProto& n = g.node(i);
    if (!in_default_domain(n) || n.output_size() != 1) continue;
    const std::string& out = n.output(0);
    if (names.outputs.count(out) || names.initializers.count(out)) continue;
    onnx::TensorProto folded;
    if (n.op_type() == "Constant" && n.attribute_size() == 1) {
      const auto& a = n.attribute(0);
      if (a.name() == "value") {
        // External data is resolved against the input's folder; leave it be.
        if (a.t().data_location() == onnx::TensorProto_DataLocation_EXTERNAL) continue;
        folded = a.t();
      } else if (a.name() == "value_float") {
        folded.set_data_type(onnx::TensorProto_DataType_FLOAT);
        folded.add_float_data(a.f());
      } else if (a.name() == "value_floats") {
        folded.set_data_type(onnx::TensorProto_DataType_FLOAT);
        folded.add_dims(a.floats_size());
        for (float f : a.floats()) folded.add_float_data(f);
      } else if (a.name() == "value_int") {
        folded.set_data_type(onnx::TensorProto_DataType_INT64);
        folded.add_int64_data(a.i());
      } else if (a.name() == "value_ints") {
        folded.set_data_type(onnx::TensorProto_DataType_INT64);
        folded.add_dims(a.ints_size());
        for (auto v : a.ints()) folded.add_int64_data(v);
      } else {
        continue;  // sparse or string constants stay nodes
      }
    } else if (n.op_type() == "Reshape" && n.input_size() == 2) {
      const auto* data = names.constant(g, n.input(0));
      const auto* shape = names.constant(g, n.input(1));
      if (!data || !shape || data->data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
        continue;
      }
      const auto target = onnx_int64_values(*shape);
      if (!target) continue;
      const auto* allowzero = find_attribute(n, "allowzero");
      const bool keep_zero = allowzero && allowzero->i() != 0;
      std::vector<std::int64_t> dims(target->begin(), target->end());
      std::int64_t known = 1;
      int infer = -1;
      bool ok = true;
      for (std::size_t d = 0; d < dims.size(); ++d) {
        if (dims[d] == 0 && !keep_zero) {
          if (d >= static_cast<std::size_t>(data->dims_size()))
            ok = false;
          else
            dims[d] = data->dims(static_cast<int>(d));
        }
        if (dims[d] == -1) {
          if (infer >= 0) ok = false;
          infer = static_cast<int>(d);
        } else if (dims[d] < 0) {
          ok = false;
        } else {
          known *= dims[d];
        }
      }
      const std::int64_t count = onnx_element_count(*data);
      if (!ok) continue;
      if (infer >= 0) {
        if (known == 0 || count % known != 0) continue;
        dims[static_cast<std::size_t>(infer)] = count / known;
        known = count;
      }
      if (known != count) continue;
      folded = *data;
      folded.clear_dims();
      for (auto d : dims) folded.add_dims(d);
    } else if (n.op_type() == "Shape" && n.input_size() == 1 && n.attribute_size() == 0) {
      const auto* data = names.constant(g, n.input(0));
      if (!data) continue;
      folded.set_data_type(onnx::TensorProto_DataType_INT64);
      folded.add_dims(data->dims_size());
      for (auto d : data->dims()) folded.add_int64_data(d);
    } else {
      continue;
    }
    folded.set_name(out);
    *g.add_initializer() = std::move(folded);
    dead.insert(i);
    changed = true;
  }
  remove_nodes(g, dead);
  return changed;
}

// ---- Identity / Dropout ----------------------------------------------------

bool is_removable_passthrough(const onnx::GraphProto& g, const GraphNames& names,
                              const std::map<std::string, int>& readers, const onnx::NodeProto& n) {
  if (!in_default_domain(n) || n.input_size() < 1 || n.output_size() < 1) return false;
  if (n.op_type() == "Identity") return n.input_size() == 1 && n.output_size() == 1;
  if (n.op_type() != "Dropout") return false;
  if (const auto* is_test = find_attribute(n, "is_test"); is_test && is_test->i() == 0) return false;
  if (n.input_size() >= 3 && !n.input(2).empty()) {
    const auto* mode = names.constant(g, n.input(2));
    if (!mode || mode->data_type() != onnx::TensorProto_DataType_BOOL) return false;
    const bool training = mode->has_raw_data() ? (!mode->raw_data().empty() && mode->raw_data()[0])
                                               : (mode->int32_data_size() > 0 && mode->int32_data(0));
    if (training) return false;
  }
  if (n.output_size() >= 2 && !n.output(1).empty()) {
    const std::string& mask = n.output(1);
    if (readers.count(mask) || names.outputs.count(mask) || names.in_subgraphs.count(mask)) {
      return false;
    }
  }
  return true;
}

void rename_value(onnx::GraphProto& g, const std::string& from, const std::string& to) {
  for (auto& n : *g.mutable_node()) {
    for (auto& s : *n.mutable_input())
      if (s == from) s = to;
    for (auto& s : *n.mutable_output())
      if (s == from) s = to;
  }
}

bool remove_passthrough(onnx::GraphProto& g) {
  bool changed = false;
  for (int i = 0; i < g.node_size();) {
    const GraphNames names(g);
    const auto readers = reader_counts(g);
    const onnx::NodeProto& n = g.node(i);
    if (!is_removable_passthrough(g, names, readers, n)) {
      ++i;
      continue;
    }
    const std::string in = n.input(0), out = n.output(0);
    if (names.in_subgraphs.count(out) || names.in_subgraphs.count(in)) {
      ++i;
      continue;
    }
    if (!names.outputs.count(out)) {
      remove_nodes(g, {i});
      rename_value(g, out, in);
    } else {
      // The graph output keeps its name: the producer of `in` writes it.
      bool produced = false;
      for (const auto& p : g.node()) {
        for (const auto& s : p.output()) produced = produced || s == in;
      }
      if (!produced || names.outputs.count(in) || names.inputs.count(in)) {
        ++i;
        continue;
      }
      remove_nodes(g, {i});
      rename_value(g, in, out);
    }
    changed = true;
  }
  return changed;
}

// ---- BatchNormalization folding ---------------------------------------------

bool fold_batchnorm(onnx::GraphProto& g) {
  bool changed = false;
  for (int bi = 0; bi < g.node_size(); ++bi) {
    const GraphNames names(g);
    const auto readers = reader_counts(g);
    const onnx::NodeProto bn = g.node(bi);
    if (!in_default_domain(bn) || bn.op_type() != "BatchNormalization" || bn.input_size() != 5) continue;
    if (const auto* tm = find_attribute(bn, "training_mode"); tm && tm->i() != 0) continue;
    bool extra_outputs = false;
    for (int o = 1; o < bn.output_size(); ++o) extra_outputs = extra_outputs || !bn.output(o).empty();
    if (extra_outputs) continue;
    const std::string& x = bn.input(0);
    if (names.outputs.count(x) || names.in_subgraphs.count(x) || readers.at(x) != 1) continue;
    std::optional<std::vector<float>> p[4];
    bool ok = true;
    for (int k = 0; k < 4; ++k) {
      const auto* t = names.constant(g, bn.input(k + 1));
      if (t) p[k] = onnx_float_values(*t);
      ok = ok && p[k].has_value();
    }
    if (!ok) continue;
    const std::size_t c = p[0]->size();
    if (p[1]->size() != c || p[2]->size() != c || p[3]->size() != c) continue;
    const auto* eps_attr = find_attribute(bn, "epsilon");
    const double eps = eps_attr ? eps_attr->f() : 1e-5;
    std::vector<double> s(c), shift(c);
    for (std::size_t k = 0; k < c; ++k) {
      s[k] = (*p[0])[k] / std::sqrt(static_cast<double>((*p[3])[k]) + eps);
      shift[k] = (*p[1])[k] - (*p[2])[k] * s[k];
    }
    int pi = -1;
    for (int j = 0; j < bi; ++j) {
      if (g.node(j).output_size() >= 1 && g.node(j).output(0) == x) pi = j;
    }
    if (pi < 0) continue;
    onnx::NodeProto& prod = *g.mutable_node(pi);
    if (!in_default_domain(prod) || prod.output_size() != 1) continue;
    const std::string base = prod.name().empty() ? x : prod.name();

    if (prod.op_type() == "Conv" && prod.input_size() >= 2) {
      const auto* wt = names.constant(g, prod.input(1));
      if (!wt || wt->dims_size() < 1 || wt->dims(0) != static_cast<std::int64_t>(c)) continue;
      auto w = onnx_float_values(*wt);
      if (!w) continue;
      std::vector<float> bias(c, 0.0f);
      if (prod.input_size() >= 3 && !prod.input(2).empty()) {
        const auto* bt = names.constant(g, prod.input(2));
        auto b = bt ? onnx_float_values(*bt) : std::nullopt;
        if (!b || b->size() != c) continue;
        bias = *b;
      }
      const std::size_t per = w->size() / c;
      for (std::size_t k = 0; k < c; ++k) {
        for (std::size_t e = 0; e < per; ++e) {
          (*w)[k * per + e] = static_cast<float>((*w)[k * per + e] * s[k]);
        }
        bias[k] = static_cast<float>(bias[k] * s[k] + shift[k]);
      }
      const std::vector<std::int64_t> wdims(wt->dims().begin(), wt->dims().end());
      const std::string wname = fresh_name(g, base + ".bn_folded.weight");
      add_float_initializer(g, wname, wdims, *w);
      const std::string bname = fresh_name(g, base + ".bn_folded.bias");
      add_float_initializer(g, bname, {static_cast<std::int64_t>(c)}, bias);
      prod.set_input(1, wname);
      if (prod.input_size() >= 3)
        prod.set_input(2, bname);
      else
        prod.add_input(bname);
    } else if (prod.op_type() == "Gemm" && prod.input_size() >= 2) {
      const auto* bt = names.constant(g, prod.input(1));
      if (!bt || bt->dims_size() != 2) continue;
      const auto* trans_b = find_attribute(prod, "transB");
      const bool tb = trans_b && trans_b->i() != 0;
      const std::int64_t k_dim = tb ? bt->dims(1) : bt->dims(0);
      const std::int64_t n_dim = tb ? bt->dims(0) : bt->dims(1);
      if (n_dim != static_cast<std::int64_t>(c)) continue;
      auto b = onnx_float_values(*bt);
      if (!b) continue;
      const auto* beta_attr = find_attribute(prod, "beta");
      const double beta = beta_attr ? beta_attr->f() : 1.0;
      std::vector<double> cvec(c, 0.0);
      if (prod.input_size() >= 3 && !prod.input(2).empty()) {
        const auto* ct = names.constant(g, prod.input(2));
        auto cv = ct ? onnx_float_values(*ct) : std::nullopt;
        if (!cv) continue;
        // Only C that broadcasts along the rows: [N], [1, N], or one value.
        const bool row = cv->size() == c && (ct->dims_size() == 1 || (ct->dims_size() == 2 && ct->dims(0) == 1));
        const bool scalar = cv->size() == 1 && ct->dims_size() <= 2;
        if (!row && !scalar) continue;
        for (std::size_t k = 0; k < c; ++k) cvec[k] = (*cv)[row ? k : 0];
      }
      for (std::int64_t r = 0; r < k_dim; ++r) {
        for (std::size_t k = 0; k < c; ++k) {
          const std::size_t idx = tb ? k * static_cast<std::size_t>(k_dim) + static_cast<std::size_t>(r)
                                     : static_cast<std::size_t>(r) * c + k;
          (*b)[idx] = static_cast<float>((*b)[idx] * s[k]);
        }
      }
      std::vector<float> new_c(c);
      for (std::size_t k = 0; k < c; ++k) new_c[k] = static_cast<float>(s[k] * beta * cvec[k] + shift[k]);
      const std::vector<std::int64_t> bdims(bt->dims().begin(), bt->dims().end());
      const std::string bname = fresh_name(g, base + ".bn_folded.weight");
      add_float_initializer(g, bname, bdims, *b);
      const std::string cname = fresh_name(g, base + ".bn_folded.bias");
      add_float_initializer(g, cname, {static_cast<std::int64_t>(c)}, new_c);
      prod.set_input(1, bname);
      if (prod.input_size() >= 3)
        prod.set_input(2, cname);
      else
        prod.add_input(cname);
      // beta now lives in C.
      for (int a = 0; a < prod.attribute_size(); ++a) {
        if (prod.attribute(a).name() == "beta") {
          prod.mutable_attribute()->DeleteSubrange(a, 1);
          break;
        }
      }
    } else {
      continue;
    }
    prod.set_output(0, bn.output(0));
    remove_nodes(g, {bi});
    --bi;
    changed = true;
  }
  return changed;
}

// ---- unused initializers -----------------------------------------------------

int remove_unused_initializers(onnx::GraphProto& g) {
  const GraphNames names(g);
  std::set<std::string> used = names.in_subgraphs;
  for (const auto& n : g.node()) used.insert(n.input().begin(), n.input().end());
  for (const auto& v : g.output()) used.insert(v.name());
  google::protobuf::RepeatedPtrField<onnx::TensorProto> kept;
  int removed = 0;
  for (auto& t : *g.mutable_initializer()) {
    if (used.count(t.name()) || names.inputs.count(t.name())) {
      *kept.Add() = std::move(t);
    } else {
      ++removed;
    }
  }
  g.mutable_initializer()->Swap(&kept);
  return removed;
}

}  // namespace

ONNXGraphOptimizer::ONNXGraphOptimizer(const Params& params) : params_(params) { schema().check(params_); }

std::string ONNXGraphOptimizer::framework_version() const {
  return std::string("libonnx ") + onnx::LAST_RELEASE_VERSION;
}

void ONNXGraphOptimizer::optimize(onnx::ModelProto& model) const {
  onnx::GraphProto& g = *model.mutable_graph();
  for (bool again = true; again;) {
    again = false;
    if (params_.fold_constants) again = fold_constants(model) || again;
#if KENNING_WITH_TORCH
    if (params_.fold_constants) again = fold_constant_nodes(model) > 0 || again;
#endif
    if (params_.remove_identity) again = remove_passthrough(g) || again;
    if (params_.fold_batchnorm) again = fold_batchnorm(g) || again;
  }
  if (params_.remove_unused_initializers) remove_unused_initializers(g);
}

IOSpec ONNXGraphOptimizer::compile(const std::filesystem::path& input_model, const IOSpec& spec,
                                   const CalibrationData* /*calibration*/) {
  const std::filesystem::path& out = params_.compiled_model_path;
  check_input_model(kClass, input_model);
  check_compiled_model_path(kClass, out, input_model);
  onnx::ModelProto model = load_checked_onnx_model(input_model, kClass);
  OptimizerReport report;
  report.nodes_before = model.graph().node_size();
  report.bytes_before = std::filesystem::file_size(input_model);
  optimize(model);
  report.nodes_after = model.graph().node_size();
  save_compiled_onnx_model(model, spec, out, kClass);
  report.bytes_after = std::filesystem::file_size(out);
  report_ = report;
  spdlog::info("{}: {} -> {}: {} -> {} nodes, {} -> {} bytes", kClass, input_model.string(), out.string(),
               report.nodes_before, report.nodes_after, report.bytes_before, report.bytes_after);
  return spec;
}

}  // namespace kenning
