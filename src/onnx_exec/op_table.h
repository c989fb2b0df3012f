// The op table: op_type -> kernel factory. Every node is looked up when the
// model loads; a factory checks the node's attributes and refuses (NotSupported)
// any feature it does not implement, so a model either loads or says why.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>

namespace kenning::onnx_exec {

// Inputs of one call; an undefined tensor stands for an omitted optional input.
using Values = std::vector<at::Tensor>;
using Kernel = std::function<Values(const Values& inputs)>;

// What a factory sees of its node.
class OpContext {
 public:
  // `initializers`: the graph's constants, when the caller has them.
  OpContext(const onnx::NodeProto& node, std::int64_t opset, std::string where,
            const std::map<std::string, at::Tensor>* initializers = nullptr)
      : node_(node), opset_(opset), where_(std::move(where)), initializers_(initializers) {}

  const onnx::NodeProto& node() const { return node_; }
  std::int64_t opset() const { return opset_; }
  // "'model.onnx': node #3 'conv1' (Conv), opset 13" for messages.
  const std::string& where() const { return where_; }

  bool has(const std::string& name) const { return find(name) != nullptr; }
  std::int64_t attr_int(const std::string& name, std::int64_t fallback) const;
  float attr_float(const std::string& name, float fallback) const;
  std::string attr_string(const std::string& name, const std::string& fallback) const;
  std::vector<std::int64_t> attr_ints(const std::string& name, std::vector<std::int64_t> fallback = {}) const;
  std::vector<float> attr_floats(const std::string& name) const;
  // Tensor attribute (Constant's value, ConstantOfShape's value).
  std::optional<at::Tensor> attr_tensor(const std::string& name) const;

  // Number of inputs/outputs the node names (trailing "" count as absent).
  int num_inputs() const;
  int num_outputs() const;
  bool has_input(int i) const { return i < node_.input_size() && !node_.input(i).empty(); }
  bool has_output(int i) const { return i < node_.output_size() && !node_.output(i).empty(); }
  // Input i's value when it is a graph initializer, which every run passes
  // unchanged (the same tensor); null for anything computed or fed at run time.
  const at::Tensor* constant_input(int i) const;

  // Throws NotSupported "<where>: <what>".
  [[noreturn]] void unsupported(const std::string& what) const;

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::NodeProto& node_;
  std::int64_t opset_;
  std::string where_;
  const std::map<std::string, at::Tensor>* initializers_;
};

using KernelFactory = std::function<Kernel(const OpContext&)>;
using OpTable = std::map<std::string, KernelFactory>;

// The table of every op we run.
const OpTable& op_table();
bool is_supported_op(const std::string& op_type);

// Filled by the ops_*.cpp files.
void register_elementwise_ops(OpTable& table);
void register_nn_ops(OpTable& table);
void register_shape_ops(OpTable& table);
void register_reduce_ops(OpTable& table);
void register_conv_transpose_ops(OpTable& table);
void register_resize_ops(OpTable& table);
void register_quant_ops(OpTable& table);

// Helpers shared by the kernels.

// The auto_pad attribute of Conv-like ops: NOTSET, VALID, SAME_UPPER or
// SAME_LOWER; anything else is refused (NotSupported naming the node).
std::string read_auto_pad(const OpContext& ctx);
// Begin and end pads per spatial dimension of x [N, C, spatial...] for a
// window op, as ONNX defines them: `pads` (begins then ends) for NOTSET, none
// for VALID, else what keeps ceil(size / stride) outputs, the odd one at the
// end (SAME_UPPER) or the beginning (SAME_LOWER).
void resolve_pads(const at::Tensor& x, const std::vector<std::int64_t>& kernel,
                  const std::vector<std::int64_t>& strides, const std::vector<std::int64_t>& dilations,
                  const std::vector<std::int64_t>& pads, const std::string& auto_pad, std::vector<std::int64_t>& begin,
                  std::vector<std::int64_t>& end);
// The direct oneDNN path's view (onednn_conv.h) of a 2-D Conv or QLinearConv
// node with constant weight `w` [OC, IC/group, KH, KW]: its window attributes
// and fused activation (fusion.h). The weight is left undefined when the
// attributes do not fit (make_direct_conv then declines).
struct DirectConvParams;
DirectConvParams direct_conv_params(const OpContext& ctx, const at::Tensor& w, std::int64_t group,
                                    const std::string& auto_pad);
std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& where);
std::vector<std::int64_t> to_int_vector(const at::Tensor& t);
std::vector<std::int64_t> shape_of(const at::Tensor& t);

}  // namespace kenning::onnx_exec
