#include <gtest/gtest.h>

#include "kenning/core/error.h"
#include "kenning/core/tensor.h"

TEST(Tensor, OwnsZeroedStorageOfTheRightSize) {
  kenning::Tensor t(kenning::DType::Int64, {2, 3});
  EXPECT_EQ(t.nbytes(), 48u);
  for (auto v : t.data<std::int64_t>()) EXPECT_EQ(v, 0);
}

TEST(Tensor, CloneIsDeepAndViewBorrows) {
  const std::vector<float> values = {1, 2, 3, 4};
  auto t = kenning::Tensor::from<float>({2, 2}, values);
  auto c = t.clone();
  t.data<float>()[0] = 9;
  EXPECT_EQ(c.data<float>()[0], 1);
  const auto v = t.view();
  EXPECT_EQ(v.data<float>()[0], 9);
  EXPECT_EQ(v.shape(), (kenning::Shape{2, 2}));
}

TEST(Tensor, WrongDtypeAccessAndBadShapesThrow) {
  kenning::Tensor t(kenning::DType::Float32, {2});
  EXPECT_THROW(t.data<std::int8_t>(), kenning::ConfigError);
  EXPECT_THROW(t.reshape({3}), kenning::ConfigError);
  EXPECT_THROW(kenning::Tensor(kenning::DType::Float32, {-2, 2}), kenning::ConfigError);
  const std::vector<float> three = {1, 2, 3};
  EXPECT_THROW(kenning::Tensor::from<float>({2, 2}, three), kenning::ConfigError);
  std::vector<std::byte> bytes(7);
  EXPECT_THROW(kenning::TensorView(kenning::DType::Float32, {2}, bytes), kenning::ConfigError);
}

TEST(DType, NamesRoundTrip) {
  for (auto d : {kenning::DType::Float32, kenning::DType::Float16, kenning::DType::Int8, kenning::DType::UInt8,
                 kenning::DType::Int32, kenning::DType::Int64}) {
    EXPECT_EQ(kenning::parse_dtype(kenning::dtype_name(d)), d);
  }
  EXPECT_EQ(kenning::dtype_size(kenning::DType::Float16), 2u);
  EXPECT_THROW(kenning::parse_dtype("bfloat16"), kenning::ConfigError);
}
