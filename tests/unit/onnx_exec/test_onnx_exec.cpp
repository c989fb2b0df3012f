// The ONNX interpreter's loader and executor on small models built here with
// the ONNX protobuf API: every broken or unsupported model is refused at load
// with an error naming the file, node and tensor/op at fault.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "onnx_exec/tensor_proto.h"

namespace fs = std::filesystem;
using namespace kenning::onnx_exec;

namespace {

class OnnxExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kenning_onnx_exec_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "model");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A model with float input x of `dims` (-1: symbolic) and output y.
  static onnx::ModelProto model(std::int64_t opset = 13, const std::vector<std::int64_t>& dims = {1, 3}) {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(opset);
    auto* g = m.mutable_graph();
    g->set_name("g");
    for (const char* name : {"x", "y"}) {
      auto* v = std::string(name) == "x" ? g->add_input() : g->add_output();
      v->set_name(name);
      auto* tt = v->mutable_type()->mutable_tensor_type();
      tt->set_elem_type(onnx::TensorProto::FLOAT);
      for (std::int64_t d : dims) {
        auto* dim = tt->mutable_shape()->add_dim();
        if (d < 0)
          dim->set_dim_param("N");
        else
          dim->set_dim_value(d);
      }
    }
    return m;
  }
  static onnx::NodeProto* node(onnx::ModelProto& m, const std::string& op, const std::string& name,
                               const std::vector<std::string>& in, const std::vector<std::string>& out) {
    auto* n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : in) n->add_input(i);
    for (const auto& o : out) n->add_output(o);
    return n;
  }
  fs::path save(const onnx::ModelProto& m, const std::string& name = "model/m.onnx") {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << m.SerializeAsString();
    return p;
  }
  fs::path write_bytes(const std::string& bytes, const std::string& name) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  // A float initializer "w" of 3 values stored in the external file `location`;
  // returns its "location" entry so tests can point it elsewhere.
  static onnx::StringStringEntryProto* add_external_weights(onnx::ModelProto& m, const std::string& location) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name("w");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(3);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* loc = t->add_external_data();
    loc->set_key("location");
    loc->set_value(location);
    return loc;
  }

  fs::path dir_;
};

// Runs `fn`, expects exception E whose message contains every needle.
template <class E, class Fn>
void expect_error(Fn fn, const std::vector<std::string>& needles) {
  try {
    fn();
    ADD_FAILURE() << "no exception";
  } catch (const E& e) {
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

std::vector<float> values(const at::Tensor& t) {
  const at::Tensor c = t.contiguous().to(at::kFloat);
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

TEST_F(OnnxExecTest, MissingFileIsIoError) {
  expect_error<kenning::IoError>([&] { Executor::load(dir_ / "none.onnx"); }, {"none.onnx"});
}

TEST_F(OnnxExecTest, TruncatedFileIsIoError) {
  auto m = model();
  node(m, "Relu", "r", {"x"}, {"y"});
  const std::string bytes = m.SerializeAsString();
  const fs::path p = write_bytes(bytes.substr(0, bytes.size() / 2), "cut.onnx");
  expect_error<kenning::IoError>([&] { Executor::load(p); }, {"cut.onnx", "not an ONNX model"});
}

TEST_F(OnnxExecTest, NonOnnxBytesAreIoError) {
  const fs::path p = write_bytes("this is not a protobuf at all \xff\xff\xff", "junk.onnx");
  expect_error<kenning::IoError>([&] { Executor::load(p); }, {"junk.onnx"});
}

TEST_F(OnnxExecTest, CycleIsNamed) {
  auto m = model();
  node(m, "Add", "first", {"x", "b"}, {"a"});
  node(m, "Relu", "second", {"a"}, {"b"});
  node(m, "Identity", "out", {"b"}, {"y"});
  expect_error<kenning::BackendError>([&] { Executor::load(save(m)); }, {"cycle", "m.onnx"});
}

TEST_F(OnnxExecTest, MissingProducerNamesNodeAndTensor) {
  auto m = model();
  node(m, "Add", "adder", {"x", "weights"}, {"y"});
  expect_error<kenning::BackendError>([&] { Executor::load(save(m)); }, {"adder", "'weights'"});
}

TEST_F(OnnxExecTest, UnsupportedOpNamesOpNodeAndOpset) {
  auto m = model();
  node(m, "NonMaxSuppression", "nms", {"x"}, {"y"});
  expect_error<kenning::NotSupported>([&] { Executor::load(save(m)); }, {"NonMaxSuppression", "'nms'", "opset 13"});
}

TEST_F(OnnxExecTest, UnsupportedAttributeIsRefusedAtLoad) {
  auto m = model();
  auto* n = node(m, "MaxPool", "pool", {"x"}, {"y", "indices"});
  auto* k = n->add_attribute();
  k->set_name("kernel_shape");
  k->add_ints(2);
  expect_error<kenning::NotSupported>([&] { Executor::load(save(m)); }, {"'pool'", "Indices"});
}

TEST_F(OnnxExecTest, OpsetOutsideRangeIsNotSupported) {
  auto m = model(18);
  node(m, "Relu", "r", {"x"}, {"y"});
  expect_error<kenning::NotSupported>([&] { Executor::load(save(m)); }, {"opset 18"});
  auto old = model(6);
  node(old, "Relu", "r", {"x"}, {"y"});
  expect_error<kenning::NotSupported>([&] { Executor::load(save(old)); }, {"opset 6"});
}

TEST_F(OnnxExecTest, ExternalDataMustStayInTheModelFolder) {
  write_bytes(std::string(12, '\0'), "secret.bin");
  auto m = model();
  auto* loc = add_external_weights(m, "../secret.bin");
  node(m, "Add", "add", {"x", "w"}, {"y"});
  expect_error<kenning::IoError>([&] { Executor::load(save(m)); }, {"../secret.bin", "leaves"});

  // The same bytes inside the folder load.
  write_bytes(std::string(12, '\0'), "model/inside.bin");
  loc->set_value("inside.bin");
  const Executor e = Executor::load(save(m));
  EXPECT_EQ(values(e.run({at::ones({1, 3})})[0]), std::vector<float>({1, 1, 1}));
}

TEST_F(OnnxExecTest, MalformedExternalDataAndHugeShapesAreIoErrors) {
  write_bytes(std::string(12, '\0'), "model/inside.bin");
  auto m = model();
  add_external_weights(m, "inside.bin");
  auto* offset = m.mutable_graph()->mutable_initializer(0)->add_external_data();
  offset->set_key("offset");
  node(m, "Add", "add", {"x", "w"}, {"y"});
  for (const char* bad : {"abc", "-4", "99999999999999999999999"}) {
    offset->set_value(bad);
    expect_error<kenning::IoError>([&] { Executor::load(save(m)); }, {"offset", bad});
  }
  offset->set_value("9223372036854775807");  // offset + length would overflow
  expect_error<kenning::IoError>([&] { Executor::load(save(m)); }, {"too short"});

  auto huge = model();
  auto* h = huge.mutable_graph()->add_initializer();
  h->set_name("w");
  h->set_data_type(onnx::TensorProto::FLOAT);
  for (int i = 0; i < 4; ++i) h->add_dims(std::int64_t{1} << 20);
  node(huge, "Add", "add", {"x", "w"}, {"y"});
  expect_error<kenning::IoError>([&] { Executor::load(save(huge)); }, {"2^40"});
}

TEST_F(OnnxExecTest, InputShapeAndDtypeAreChecked) {
  auto m = model(13, {-1, 3});
  node(m, "Relu", "r", {"x"}, {"y"});
  const Executor e = Executor::load(save(m));
  EXPECT_EQ(e.run({at::ones({5, 3})})[0].size(0), 5);  // symbolic batch
  expect_error<kenning::ConfigError>([&] { e.run({at::ones({1, 4})}); }, {"input 'x'", "[1, 4]", "[?, 3]"});
  expect_error<kenning::ConfigError>([&] { e.run({at::ones({1, 3}, at::kLong)}); }, {"input 'x'"});
  expect_error<kenning::ConfigError>([&] { e.run({}); }, {"expected 1 inputs"});
}

TEST_F(OnnxExecTest, InitializerInputsAreNotModelInputs) {
  auto m = model();
  auto* w = m.mutable_graph()->add_input();
  w->set_name("w");
  w->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(3);
  for (float v : {1.f, 2.f, 3.f}) t->add_float_data(v);
  node(m, "Mul", "mul", {"x", "w"}, {"y"});
  const Executor e = Executor::load(save(m));
  ASSERT_EQ(e.inputs().size(), 1u);
  EXPECT_EQ(values(e.run({at::full({1, 3}, 2.0f)})[0]), std::vector<float>({2, 4, 6}));
}

TEST_F(OnnxExecTest, ClipBoundsMoveFromAttributesToInputsAtOpset11) {
  auto m7 = model(7);
  auto* n = node(m7, "Clip", "clip", {"x"}, {"y"});
  auto* lo = n->add_attribute();
  lo->set_name("min");
  lo->set_f(0.f);
  const at::Tensor x = at::tensor({-1.f, 0.5f, 2.f}).reshape({1, 3});
  EXPECT_EQ(values(Executor::load(save(m7)).run({x})[0]), std::vector<float>({0, 0.5f, 2}));

  auto m11 = model(11);
  node(m11, "Clip", "clip", {"x", "", "hi"}, {"y"});
  auto* hi = m11.mutable_graph()->add_initializer();
  hi->set_name("hi");
  hi->set_data_type(onnx::TensorProto::FLOAT);
  hi->add_float_data(1.f);
  EXPECT_EQ(values(Executor::load(save(m11, "model/c11.onnx")).run({x})[0]), std::vector<float>({-1, 0.5f, 1}));
}

TEST_F(OnnxExecTest, SoftmaxAxisSemanticsChangeAtOpset13) {
  // x of shape [1, 2, 2]: opset 11 normalises over the flattened [2, 2]
  // (axis 1 onward), opset 13 over the last axis only.
  const at::Tensor x = at::tensor({0.f, 0.f, 0.f, 0.f}).reshape({1, 2, 2});
  for (std::int64_t opset : {11, 13}) {
    auto m = model(opset, {1, 2, 2});
    auto* n = node(m, "Softmax", "sm", {"x"}, {"y"});
    auto* a = n->add_attribute();
    a->set_name("axis");
    a->set_i(opset == 11 ? 1 : -1);
    const auto y = values(Executor::load(save(m, "model/s" + std::to_string(opset) + ".onnx")).run({x})[0]);
    EXPECT_FLOAT_EQ(y[0], opset == 11 ? 0.25f : 0.5f);
  }
}

TEST(OnnxExecTensorProto, ReadsTypedFieldsAndRawData) {
  onnx::TensorProto half;
  half.set_data_type(onnx::TensorProto::FLOAT16);
  half.add_dims(2);
  half.add_int32_data(0x3C00);  // 1.0 as float16 bits
  half.add_int32_data(0xC000);  // -2.0
  EXPECT_EQ(values(tensor_from_proto(half, {}, "t")), std::vector<float>({1, -2}));

  onnx::TensorProto i8;
  i8.set_data_type(onnx::TensorProto::INT8);
  i8.add_dims(2);
  i8.add_int32_data(-5);
  i8.add_int32_data(7);
  const at::Tensor t8 = tensor_from_proto(i8, {}, "t");
  EXPECT_EQ(t8.scalar_type(), at::kChar);
  EXPECT_EQ(values(t8), std::vector<float>({-5, 7}));

  onnx::TensorProto i64;
  i64.set_data_type(onnx::TensorProto::INT64);
  i64.add_int64_data(1LL << 40);  // a scalar: no dims
  EXPECT_EQ(tensor_from_proto(i64, {}, "t").item<std::int64_t>(), 1LL << 40);

  onnx::TensorProto raw;
  raw.set_data_type(onnx::TensorProto::INT32);
  raw.add_dims(2);
  const std::int32_t data[2] = {3, -4};
  raw.set_raw_data(std::string(reinterpret_cast<const char*>(data), sizeof(data)));
  EXPECT_EQ(values(tensor_from_proto(raw, {}, "t")), std::vector<float>({3, -4}));
  raw.set_raw_data("abc");  // wrong byte count
  EXPECT_THROW(tensor_from_proto(raw, {}, "t"), kenning::IoError);

  onnx::TensorProto str;
  str.set_data_type(onnx::TensorProto::STRING);
  EXPECT_THROW(tensor_from_proto(str, {}, "t"), kenning::NotSupported);
}
