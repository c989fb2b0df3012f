// RandomTensorDataset: inputs shaped from the model's spec (every input, any
// dtype, free batch and fixed batch), explicit shapes, reproducibility, and
// the errors for dimensions it cannot guess.
#include <cstring>

#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "datasets/random_tensor_dataset.h"
#include "test_support.h"

using namespace kenning;
using kenning::testing::error_of;

namespace {

TensorSpec spec(const std::string& name, Shape shape, DType dtype) {
  TensorSpec s;
  s.name = name;
  s.shape = std::move(shape);
  s.dtype = dtype;
  return s;
}

}  // namespace

TEST(RandomTensorDataset, FollowsEveryModelInput) {
  RandomTensorDataset::Params p;
  p.samples = 10;
  p.inference_batch_size = 4;
  RandomTensorDataset d(p);
  EXPECT_FALSE(d.has_ground_truth());
  EXPECT_TRUE(d.shapes_inputs_from_model());
  d.use_model_inputs({spec("image", {-1, 3, 4}, DType::Float32), spec("ids", {-1, 5}, DType::Int64),
                      spec("mask", {-1, 5}, DType::UInt8), spec("half", {-1, 2}, DType::Float16)});
  d.prepare();
  EXPECT_EQ(d.size(Split::Test), 10u);
  EXPECT_EQ(d.inference_batch_size(), 4u);
  ASSERT_EQ(d.sample_spec().size(), 4u);
  EXPECT_EQ(d.sample_spec()[0].shape, (Shape{3, 4}));
  EXPECT_EQ(d.sample_spec()[1].name, "ids");

  const Batch b = d.batch(Split::Test, 8, 4);  // clipped to 2 samples
  EXPECT_EQ(b.size, 2u);
  EXPECT_TRUE(b.targets.empty());
  ASSERT_EQ(b.inputs.size(), 4u);
  EXPECT_EQ(b.inputs[0].shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(b.inputs[1].shape(), (Shape{2, 5}));
  EXPECT_EQ(b.inputs[1].dtype(), DType::Int64);
  EXPECT_EQ(b.inputs[3].dtype(), DType::Float16);
  for (float v : b.inputs[0].data<float>()) {
    EXPECT_GE(v, 0.f);
    EXPECT_LT(v, 1.f);
  }
  for (std::int64_t v : b.inputs[1].data<std::int64_t>()) {
    EXPECT_GE(v, 0);
    EXPECT_LT(v, 10);
  }
  for (std::uint8_t v : b.inputs[2].data<std::uint8_t>()) EXPECT_LT(v, 10);
  for (std::size_t i = 0; i < 4; ++i) {  // binary16 in [0, 1): sign 0, exponent < 15
    std::uint16_t h;
    std::memcpy(&h, b.inputs[3].bytes().data() + 2 * i, 2);
    EXPECT_LT(h, 0x3C00u);
  }

  // Reproducible per sample: the same index gives the same data in any batch.
  const Batch again = d.batch(Split::Test, 9, 1);
  EXPECT_EQ(std::memcmp(again.inputs[0].bytes().data(), b.inputs[0].bytes().data() + 12 * 4, 12 * 4), 0);
  const Batch train = d.batch(Split::Train, 9, 1);
  EXPECT_NE(std::memcmp(train.inputs[0].bytes().data(), again.inputs[0].bytes().data(), 12 * 4), 0);
  Measurements m;
  EXPECT_THROW(d.evaluate({}, b, m), NotSupported);
}

TEST(RandomTensorDataset, BatchFromTheModel) {
  RandomTensorDataset::Params p;
  p.samples = 6;
  RandomTensorDataset free_batch(p);
  free_batch.use_model_inputs({spec("x", {-1, 2}, DType::Float32)});
  EXPECT_EQ(free_batch.inference_batch_size(), 1u);  // default for a free batch

  RandomTensorDataset fixed(p);
  fixed.use_model_inputs({spec("x", {3, 2}, DType::Float32)});
  EXPECT_EQ(fixed.inference_batch_size(), 3u);

  p.inference_batch_size = 2;
  RandomTensorDataset conflict(p);
  auto msg = error_of<ConfigError>([&] { conflict.use_model_inputs({spec("x", {3, 2}, DType::Float32)}); });
  EXPECT_HAS(msg, "inference_batch_size is 2, the model's batch dimension is fixed to 3");
  p.inference_batch_size = 0;
  p.samples = 7;
  RandomTensorDataset uneven(p);
  msg = error_of<ConfigError>([&] { uneven.use_model_inputs({spec("x", {3, 2}, DType::Float32)}); });
  EXPECT_HAS(msg, "samples (7) must be a multiple of the model's fixed batch size 3");
}

TEST(RandomTensorDataset, FreeDimensionsNeedInputShapes) {
  RandomTensorDataset::Params p;
  RandomTensorDataset d(p);
  auto msg = error_of<ConfigError>([&] { d.use_model_inputs({spec("tokens", {-1, -1}, DType::Int64)}); });
  EXPECT_HAS(msg,
             "model input 'tokens' [-1, -1] has free dimensions besides the batch; give one sample's shape "
             "with input_shapes");

  p.input_shapes = {"128"};
  RandomTensorDataset filled(p);
  filled.use_model_inputs({spec("tokens", {-1, -1}, DType::Int64)});
  EXPECT_EQ(filled.sample_spec()[0].shape, (Shape{128}));
  EXPECT_EQ(filled.sample_spec()[0].dtype, DType::Int64);

  p.input_shapes = {"3x32x32"};
  RandomTensorDataset wrong(p);
  msg = error_of<ConfigError>([&] { wrong.use_model_inputs({spec("x", {-1, 1, 28, 28}, DType::Float32)}); });
  EXPECT_HAS(msg, "input_shapes[0] [3, 32, 32] does not fit model input 'x' [-1, 1, 28, 28]");

  p.input_shapes = {"1x28x28", "4"};
  RandomTensorDataset count(p);
  msg = error_of<ConfigError>([&] { count.use_model_inputs({spec("x", {-1, 1, 28, 28}, DType::Float32)}); });
  EXPECT_HAS(msg, "input_shapes lists 2 shapes, the model has 1 inputs");

  p.input_shapes = {"3x0"};
  msg = error_of<ConfigError>([&] { RandomTensorDataset{p}; });
  EXPECT_HAS(msg, "input_shapes[0]: expected dimensions >= 1 joined by 'x' (e.g. 3x224x224), got '3x0'");

  p.input_shapes = {};
  p.input_dtypes = {"int8"};
  p.int_high = 1000;
  RandomTensorDataset range(p);
  msg = error_of<ConfigError>([&] { range.use_model_inputs({spec("q", {-1, 4}, DType::Int8)}); });
  EXPECT_HAS(msg, "int_low/int_high: [0, 1000) does not fit int8 input 'q'");
}

TEST(RandomTensorDataset, ExplicitShapesWithoutAModel) {
  RandomTensorDataset::Params p;
  p.samples = 3;
  p.input_shapes = {"2x2", "3"};
  p.input_dtypes = {"float32", "int32"};
  p.int_low = -5;
  p.int_high = 5;
  RandomTensorDataset d(p);
  d.prepare();
  const Batch b = d.batch(Split::Test, 0, 3);
  EXPECT_EQ(d.inference_batch_size(), 1u);  // without a model: 1 by default
  EXPECT_EQ(b.inputs[0].shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(d.sample_spec()[1].name, "input_1");
  EXPECT_EQ(b.inputs[1].dtype(), DType::Int32);
  for (std::int32_t v : b.inputs[1].data<std::int32_t>()) {
    EXPECT_GE(v, -5);
    EXPECT_LT(v, 5);
  }

  RandomTensorDataset none(RandomTensorDataset::Params{});
  const auto msg = error_of<ConfigError>([&] { none.prepare(); });
  EXPECT_HAS(msg, "no inputs to generate: give input_shapes");
}
