// The NetGraph ONNX exporter on the Fashion-MNIST CNN: the graph node by
// node, Dropout left out, parameter checks, and (with libtorch) the committed
// weights exported again to what models/fashion-mnist-cnn.onnx holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "kenning/config.h"
#include "kenning/core/error.h"
#include "nets/net_init.h"
#include "nets/net_onnx_export.h"
#include "nets/net_torch_backend.h"
#include "nets/net_zoo.h"
#include "onnx/onnx_graph_builder.h"
#include "test_support.h"

namespace kenning {
namespace {

using testing::error_of;
using testing::TempDir;

namespace fs = std::filesystem;

std::vector<std::string> dims_of(const onnx::ValueInfoProto& info) {
  std::vector<std::string> out;
  for (const auto& d : info.type().tensor_type().shape().dim()) {
    out.push_back(d.has_dim_param() ? d.dim_param() : std::to_string(d.dim_value()));
  }
  return out;
}

std::vector<std::string> initializer_names(const onnx::ModelProto& m) {
  std::vector<std::string> out;
  for (const auto& t : m.graph().initializer()) out.push_back(t.name());
  return out;
}

TEST(FashionMNISTCNNOnnxExport, WritesTheLayersNodeByNodeWithoutDropout) {
  TempDir dir;
  const fs::path path = dir.path() / "cnn.onnx";
  const NetGraph g = fashion_mnist_cnn_graph();
  export_net_to_onnx(g, init_net_params(g, 1, LinearInit::PyTorchDefault), path);
  const onnx::ModelProto m = load_onnx_model(path);
  EXPECT_EQ(m.opset_import(0).version(), 13);
  EXPECT_EQ(m.graph().name(), "kenning_fashion_mnist_cnn");
  std::vector<std::string> ops, names;
  for (const auto& n : m.graph().node()) {
    ops.push_back(n.op_type());
    names.push_back(n.name());
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm",
                                           "Relu", "Gemm"}));
  EXPECT_EQ(names.back(), "layers.10");
  // The last Relu feeds the last Gemm directly: the Dropout between is gone.
  EXPECT_EQ(m.graph().node(9).input(0), "layers.8");
  EXPECT_EQ(initializer_names(m),
            (std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias",
                                      "layers.7.weight", "layers.7.bias", "layers.10.weight", "layers.10.bias"}));
  ASSERT_EQ(m.graph().output_size(), 1);
  EXPECT_EQ(m.graph().output(0).name(), "output");
  EXPECT_EQ(dims_of(m.graph().output(0)), (std::vector<std::string>{"batch", "10"}));
  EXPECT_EQ(m.graph().input(0).name(), "input");
  EXPECT_EQ(dims_of(m.graph().input(0)), (std::vector<std::string>{"batch", "1", "28", "28"}));
}

TEST(FashionMNISTCNNOnnxExport, DropoutAsTheOutputIsAnIdentity) {
  TempDir dir;
  NetGraph g = fashion_mnist_cnn_graph();
  g.nodes.push_back({.op = NetOp::Dropout, .name = "drop", .inputs = {"layers.10"}, .dropout = 0.5});
  export_net_to_onnx(g, init_net_params(g, 1, LinearInit::PyTorchDefault), dir.path() / "d.onnx");
  const onnx::ModelProto m = load_onnx_model(dir.path() / "d.onnx");
  const auto& last = m.graph().node(m.graph().node_size() - 1);
  EXPECT_EQ(last.op_type(), "Identity");
  EXPECT_EQ(last.input(0), "layers.10");
  EXPECT_EQ(last.output(0), "output");
}

TEST(FashionMNISTCNNOnnxExport, MismatchedParametersAreBackendError) {
  TempDir dir;
  const NetGraph g = fashion_mnist_cnn_graph();
  NetParams params = init_net_params(g, 2, LinearInit::PyTorchDefault);
  params["layers.0.weight"].shape = {32, 1, 5, 5};
  EXPECT_HAS(error_of<BackendError>([&] { export_net_to_onnx(g, params, dir.path() / "c.onnx"); }),
             "parameter 'layers.0.weight' has shape [32, 1, 5, 5]");
  params = init_net_params(g, 2, LinearInit::PyTorchDefault);
  params.erase("layers.10.bias");
  EXPECT_HAS(error_of<BackendError>([&] { export_net_to_onnx(g, params, dir.path() / "c.onnx"); }),
             "parameter 'layers.10.bias' is missing");
  EXPECT_FALSE(fs::exists(dir.path() / "c.onnx"));
}

#if KENNING_WITH_TORCH
// The committed weights (saved by the network's first, torch::nn::Sequential
// form) load under the graph's names and export to the committed model: the
// same I/O, operators and initializers, value for value.
TEST(FashionMNISTCNNOnnxExport, CommittedWeightsExportToTheCommittedModel) {
  TempDir dir;
  const fs::path models = fs::path(KENNING_TEST_SOURCE_DIR) / "models";
  net_torch::export_onnx(fashion_mnist_cnn_graph(), models / "fashion-mnist-cnn.pt", dir.path() / "cnn.onnx",
                         NetOnnxOptions{});
  const onnx::ModelProto got = load_onnx_model(dir.path() / "cnn.onnx");
  const onnx::ModelProto want = load_onnx_model(models / "fashion-mnist-cnn.onnx");
  EXPECT_EQ(got.graph().name(), want.graph().name());
  EXPECT_EQ(got.opset_import(0).version(), want.opset_import(0).version());
  ASSERT_EQ(got.graph().input_size(), want.graph().input_size());
  EXPECT_EQ(got.graph().input(0).name(), want.graph().input(0).name());
  EXPECT_EQ(dims_of(got.graph().input(0)), dims_of(want.graph().input(0)));
  ASSERT_EQ(got.graph().output_size(), want.graph().output_size());
  EXPECT_EQ(got.graph().output(0).name(), want.graph().output(0).name());
  EXPECT_EQ(dims_of(got.graph().output(0)), dims_of(want.graph().output(0)));
  ASSERT_EQ(got.graph().node_size(), want.graph().node_size());
  for (int i = 0; i < want.graph().node_size(); ++i) {
    EXPECT_EQ(got.graph().node(i).op_type(), want.graph().node(i).op_type()) << i;
    EXPECT_EQ(got.graph().node(i).name(), want.graph().node(i).name()) << i;
  }
  EXPECT_EQ(initializer_names(got), initializer_names(want));
  ASSERT_EQ(got.graph().initializer_size(), want.graph().initializer_size());
  for (int i = 0; i < want.graph().initializer_size(); ++i) {
    ASSERT_FALSE(want.graph().initializer(i).raw_data().empty()) << "compare the values, not two empty fields";
    EXPECT_EQ(got.graph().initializer(i).raw_data(), want.graph().initializer(i).raw_data())
        << want.graph().initializer(i).name();
  }
}
#endif

}  // namespace
}  // namespace kenning
