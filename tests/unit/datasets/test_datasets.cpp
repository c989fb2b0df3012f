// Datasets built the way scenarios build them (registry + JSON parameters):
// synthetic IDX folders made here for split and error behaviour, the Debian
// Fashion-MNIST files for sizes and known contents.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "datasets/idx_reader.h"
#include "test_support.h"
#include "kenning/core/error.h"
#include "kenning/registries.h"

namespace kenning {
namespace {

using testing::error_of;

namespace fs = std::filesystem;
using nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

const fs::path kFashionRoot = "/usr/share/datasets/fashion-mnist";

const Registry<Dataset>& dataset_registry() {
  static const Registry<Dataset> r = [] {
    Registry<Dataset> reg("dataset", "datasets");
    register_datasets(reg);
    return reg;
  }();
  return r;
}

std::unique_ptr<Dataset> make(const std::string& type, const json& params) {
  return dataset_registry().create(type, params, "test.json: dataset");
}

std::vector<std::int64_t> labels_of(const Batch& b) {
  auto l = b.targets.at(0).data<std::int64_t>();
  return {l.begin(), l.end()};
}

bool has_fashion() { return fs::exists(kFashionRoot / "train-images-idx3-ubyte.gz"); }

// ---------------------------------------------------------------------------
// Synthetic IDX folder: image i has pixel 0 = i % 256, pixel 1 = i / 256, so a
// sample's original index can be read back from its pixels; label = i % 10.

void put_u32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes images_file(std::uint32_t n) {
  Bytes b;
  put_u32(b, 0x803);
  put_u32(b, n);
  put_u32(b, 28);
  put_u32(b, 28);
  for (std::uint32_t i = 0; i < n; ++i) {
    for (std::uint32_t p = 0; p < 784; ++p) {
      b.push_back(p == 0 ? i % 256 : p == 1 ? i / 256 : static_cast<std::uint8_t>((i + p) % 256));
    }
  }
  return b;
}

Bytes labels_file(std::uint32_t n) {
  Bytes b;
  put_u32(b, 0x801);
  put_u32(b, n);
  for (std::uint32_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i % 10));
  return b;
}

std::size_t original_index(const Batch& b, std::size_t k) {
  auto px = b.inputs.at(0).data<float>();
  return static_cast<std::size_t>(std::lround(px[k * 784] * 255)) +
         256 * static_cast<std::size_t>(std::lround(px[k * 784 + 1] * 255));
}

class SyntheticIdx : public ::testing::Test {
 protected:
  static constexpr std::uint32_t kTrain = 50;
  static constexpr std::uint32_t kTest = 7;

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("kenning_ds_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    write_gz("train-images-idx3-ubyte.gz", images_file(kTrain));
    write_gz("train-labels-idx1-ubyte.gz", labels_file(kTrain));
    // Uncompressed test files: both forms must be found.
    write_raw("t10k-images-idx3-ubyte", images_file(kTest));
    write_raw("t10k-labels-idx1-ubyte", labels_file(kTest));
  }
  void TearDown() override { fs::remove_all(root_); }

  void write_raw(const std::string& name, const Bytes& bytes) {
    std::ofstream out(root_ / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  void write_gz(const std::string& name, const Bytes& bytes) {
    gzFile f = gzopen((root_ / name).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  }
  std::unique_ptr<Dataset> prepared(json params) {
    params["dataset_root"] = root_.string();
    auto ds = make("FashionMNISTDataset", params);
    ds->prepare();
    return ds;
  }
  std::vector<std::size_t> originals(const Dataset& ds, Split split) {
    const Batch b = ds.batch(split, 0, ds.size(split));
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < b.size; ++k) out.push_back(original_index(b, k));
    return out;
  }

  fs::path root_;
};

TEST_F(SyntheticIdx, SplitsPartitionTheTrainingFile) {
  auto ds = prepared({{"split_fraction_val", 0.2}, {"split_seed", 7}});
  EXPECT_EQ(ds->size(Split::Train), 40u);
  EXPECT_EQ(ds->size(Split::Validation), 10u);
  EXPECT_EQ(ds->size(Split::Calibration), 10u);
  EXPECT_EQ(ds->size(Split::Test), kTest);

  const auto train = originals(*ds, Split::Train);
  const auto val = originals(*ds, Split::Validation);
  std::set<std::size_t> all(train.begin(), train.end());
  all.insert(val.begin(), val.end());
  EXPECT_EQ(all.size(), kTrain) << "train and validation must be disjoint and cover the file";
  EXPECT_EQ(*all.rbegin(), kTrain - 1);
  EXPECT_EQ(originals(*ds, Split::Calibration), val);
  // The test split keeps file order.
  EXPECT_EQ(originals(*ds, Split::Test), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}));
  // Labels travel with their images.
  const Batch b = ds->batch(Split::Train, 0, 40);
  const auto labels = labels_of(b);
  for (std::size_t k = 0; k < b.size; ++k) EXPECT_EQ(labels[k], static_cast<std::int64_t>(train[k] % 10));
}

TEST_F(SyntheticIdx, SplitDependsOnlyOnSeed) {
  const auto a = originals(*prepared({{"split_seed", 7}, {"split_fraction_val", 0.2}}), Split::Validation);
  const auto b = originals(*prepared({{"split_seed", 7}, {"split_fraction_val", 0.2}}), Split::Validation);
  const auto c = originals(*prepared({{"split_seed", 8}, {"split_fraction_val", 0.2}}), Split::Validation);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // The training order is shuffled too, not the file order minus holes.
  auto train = originals(*prepared({{"split_seed", 7}, {"split_fraction_val", 0.2}}), Split::Train);
  EXPECT_FALSE(std::is_sorted(train.begin(), train.end()));
}

TEST_F(SyntheticIdx, ReduceAndZeroValidation) {
  auto ds = prepared({{"split_fraction_val", 0.0}, {"reduce_dataset", 0.5}});
  EXPECT_EQ(ds->size(Split::Validation), 0u);
  EXPECT_EQ(ds->size(Split::Train), 25u);
  EXPECT_EQ(ds->size(Split::Test), 4u);  // round(3.5)
  auto tiny = prepared({{"reduce_dataset", 0.001}});
  EXPECT_EQ(tiny->size(Split::Test), 1u) << "a reduced split keeps at least one sample";
}

TEST_F(SyntheticIdx, LabelOutOfRangeNamesFileAndSample) {
  Bytes labels = labels_file(kTest);
  labels[8 + 3] = 12;  // sample 3
  write_raw("t10k-labels-idx1-ubyte", labels);
  auto ds = make("FashionMNISTDataset", {{"dataset_root", root_.string()}});
  const auto msg = error_of<IoError>([&] { ds->prepare(); });
  EXPECT_HAS(msg, (root_ / "t10k-labels-idx1-ubyte").string());
  EXPECT_HAS(msg, "label 12 of sample 3");
}

TEST_F(SyntheticIdx, MismatchedCountsAndImageSize) {
  write_raw("t10k-labels-idx1-ubyte", labels_file(kTest + 1));
  auto ds = make("FashionMNISTDataset", {{"dataset_root", root_.string()}});
  auto msg = error_of<IoError>([&] { ds->prepare(); });
  EXPECT_HAS(msg, "holds 8 labels but");
  EXPECT_HAS(msg, "holds 7 images");

  write_raw("t10k-labels-idx1-ubyte", labels_file(kTest));
  Bytes small;
  put_u32(small, 0x803);
  put_u32(small, 1);
  put_u32(small, 20);
  put_u32(small, 20);
  small.resize(small.size() + 400);
  write_raw("t10k-images-idx3-ubyte", small);
  auto ds2 = make("FashionMNISTDataset", {{"dataset_root", root_.string()}});
  msg = error_of<IoError>([&] { ds2->prepare(); });
  EXPECT_HAS(msg, "expected 28x28 images, header declares 1x20x20");
}

TEST_F(SyntheticIdx, MissingFileNamesTheFolderAndBothNames) {
  fs::remove(root_ / "t10k-images-idx3-ubyte");
  auto ds = make("FashionMNISTDataset", {{"dataset_root", root_.string()}});
  const auto msg = error_of<IoError>([&] { ds->prepare(); });
  EXPECT_HAS(msg, root_.string());
  EXPECT_HAS(msg, "neither t10k-images-idx3-ubyte.gz nor t10k-images-idx3-ubyte found");
}

TEST_F(SyntheticIdx, EvaluateAccumulatesIntoMeasurements) {
  auto ds = prepared({});
  const Batch b = ds->batch(Split::Test, 0, 7);  // labels 0..6
  Tensor scores(DType::Float32, {7, 10});
  auto s = scores.data<float>();
  const auto labels = labels_of(b);
  for (std::size_t k = 0; k < 7; ++k) s[k * 10 + static_cast<std::size_t>(labels[k])] = 1.0f;
  s[6 * 10 + 6] = 0.0f;  // sample 6 (label 6): predicted 9, label ranked 7th
  s[6 * 10 + 9] = 1.0f;
  std::vector<Tensor> preds;
  preds.push_back(std::move(scores));

  Measurements m;
  ds->evaluate(preds, b, m);
  ds->evaluate(preds, b, m);
  EXPECT_EQ(m.at("total"), 14);
  EXPECT_EQ(m.at("top_5_count"), 12);
  const auto& cm = m.at("eval_confusion_matrix");
  ASSERT_EQ(cm.size(), 10u);
  for (int c = 0; c < 6; ++c) EXPECT_EQ(cm[c][c], 2) << c;
  EXPECT_EQ(cm[6][9], 2);
  EXPECT_EQ(cm[6][6], 0);

  // Wrong prediction shape, and a matrix of the wrong size already present.
  std::vector<Tensor> bad;
  bad.emplace_back(DType::Float32, Shape{7, 9});
  EXPECT_HAS(error_of<ConfigError>([&] { ds->evaluate(bad, b, m); }), "[7, 10]");
  Measurements other;
  other.set(keys::eval_confusion_matrix, json::array({json::array({1, 0}), json::array({0, 1})}));
  EXPECT_HAS(error_of<ConfigError>([&] { ds->evaluate(preds, b, other); }), "10x10");
  EXPECT_EQ(m.at("total"), 14) << "a rejected batch must not change the counts";
}

TEST_F(SyntheticIdx, GatherChecksIndicesAndPrepare) {
  auto unprepared = make("FashionMNISTDataset", {{"dataset_root", root_.string()}});
  EXPECT_THROW(unprepared->size(Split::Test), Error);
  auto ds = prepared({});
  const std::vector<std::size_t> idx{0, 7};
  EXPECT_HAS(error_of<ConfigError>([&] { ds->gather(Split::Test, idx); }), "sample 7 of the");
}

// ---------------------------------------------------------------------------
// Parameters.

TEST(FashionMNISTParams, DefaultsAndSchema) {
  auto ds = make("kenning.datasets.fashion_mnist.FashionMNISTDataset", json::object());
  EXPECT_EQ(ds->type_name(), "FashionMNISTDataset");
  EXPECT_EQ(ds->parameters().at("dataset_root"), kFashionRoot.string());
  EXPECT_EQ(ds->parameters().at("split_fraction_val"), 0.1);
  EXPECT_EQ(ds->parameters().at("split_seed"), 1234);
  EXPECT_EQ(ds->parameters().at("reduce_dataset"), 1.0);
  EXPECT_EQ(ds->inference_batch_size(), 1u);
  const auto names = ds->class_names();
  ASSERT_EQ(names.size(), 10u);
  EXPECT_EQ(names[0], "T-shirt/top");
  EXPECT_EQ(names[9], "Ankle boot");
  const auto spec = ds->sample_spec();
  ASSERT_EQ(spec.size(), 1u);
  EXPECT_EQ(spec[0].name, "input");
  EXPECT_EQ(spec[0].shape, (Shape{1, 28, 28}));
  EXPECT_EQ(spec[0].dtype, DType::Float32);

  auto mnist = make("MNISTDataset", {{"inference_batch_size", 32}});
  EXPECT_EQ(mnist->parameters().at("dataset_root"), "/usr/share/datasets/mnist");
  EXPECT_EQ(mnist->class_names()[3], "3");
  EXPECT_EQ(mnist->inference_batch_size(), 32u);
}

TEST(FashionMNISTParams, BadValuesNameTheKey) {
  EXPECT_HAS(error_of<ConfigError>([] {
               make("FashionMNISTDataset", {{"split_fraction_val", 2.0}});
             }),
             "split_fraction_val");
  EXPECT_HAS(error_of<ConfigError>([] { make("FashionMNISTDataset", {{"reduce_dataset", 0.0}}); }), "reduce_dataset");
  EXPECT_HAS(error_of<ConfigError>([] {
               make("FashionMNISTDataset", {{"inference_batch_size", 0}});
             }),
             "inference_batch_size");
  EXPECT_HAS(error_of<ConfigError>([] { make("FashionMNISTDataset", {{"batch", 4}}); }), "batch");
}

TEST(FashionMNISTParams, MissingRootIsAnIoErrorNamingIt) {
  auto ds = make("FashionMNISTDataset", {{"dataset_root", "/nonexistent/kenning-fmnist"}});
  EXPECT_HAS(error_of<IoError>([&] { ds->prepare(); }), "/nonexistent/kenning-fmnist");
}

// ---------------------------------------------------------------------------
// The real Debian files.

class FashionMNISTReal : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!has_fashion()) return;
    default_ = make("FashionMNISTDataset", json::object());
    default_->prepare();
  }
  static void TearDownTestSuite() { default_.reset(); }
  void SetUp() override {
    if (!has_fashion()) GTEST_SKIP() << kFashionRoot << " not installed (dataset-fashion-mnist)";
  }
  static std::unique_ptr<Dataset> default_;
};
std::unique_ptr<Dataset> FashionMNISTReal::default_;

TEST_F(FashionMNISTReal, DefaultSplitSizes) {
  EXPECT_EQ(default_->size(Split::Train), 54000u);
  EXPECT_EQ(default_->size(Split::Validation), 6000u);
  EXPECT_EQ(default_->size(Split::Calibration), 6000u);
  EXPECT_EQ(default_->size(Split::Test), 10000u);
  // Fashion-MNIST's training file has 6000 images of every class: the two
  // splits together must hold exactly those.
  std::vector<int> per_class(10, 0);
  for (Split s : {Split::Train, Split::Validation}) {
    for (auto l : labels_of(default_->batch(s, 0, default_->size(s)))) ++per_class.at(static_cast<std::size_t>(l));
  }
  EXPECT_EQ(per_class, std::vector<int>(10, 6000));
}

TEST_F(FashionMNISTReal, FirstTestSampleMatchesTheFile) {
  const Batch b = default_->batch(Split::Test, 0, 1);
  ASSERT_EQ(b.size, 1u);
  EXPECT_EQ(labels_of(b), (std::vector<std::int64_t>{9}));  // Ankle boot
  EXPECT_EQ(b.inputs.at(0).shape(), (Shape{1, 1, 28, 28}));
  const IdxArray raw = read_idx(kFashionRoot / "t10k-images-idx3-ubyte.gz", 3);
  auto px = b.inputs[0].data<float>();
  float max = 0;
  for (std::size_t p = 0; p < 784; ++p) {
    ASSERT_FLOAT_EQ(px[p], raw.data[p] / 255.0f) << "pixel " << p;
    max = std::max(max, px[p]);
  }
  EXPECT_LE(max, 1.0f);
  EXPECT_GT(max, 0.5f);
}

TEST_F(FashionMNISTReal, BatchClipsAtTheEnd) {
  const Batch b = default_->batch(Split::Test, 9998, 5);
  EXPECT_EQ(b.size, 2u);
  EXPECT_EQ(b.inputs.at(0).shape(), (Shape{2, 1, 28, 28}));
  EXPECT_EQ(b.targets.at(0).shape(), (Shape{2}));
}

TEST_F(FashionMNISTReal, SeedDecidesValidationSplit) {
  auto same = make("FashionMNISTDataset", {{"split_seed", 1234}, {"reduce_dataset", 1.0}});
  auto other = make("FashionMNISTDataset", {{"split_seed", 4321}});
  same->prepare();
  other->prepare();
  const auto base = labels_of(default_->batch(Split::Validation, 0, 6000));
  EXPECT_EQ(labels_of(same->batch(Split::Validation, 0, 6000)), base);
  EXPECT_NE(labels_of(other->batch(Split::Validation, 0, 6000)), base);
}

TEST_F(FashionMNISTReal, ReduceDatasetKeepsAFractionOfEverySplit) {
  auto ds = make("FashionMNISTDataset", {{"reduce_dataset", 0.1}});
  ds->prepare();
  EXPECT_EQ(ds->size(Split::Train), 5400u);
  EXPECT_EQ(ds->size(Split::Validation), 600u);
  EXPECT_EQ(ds->size(Split::Test), 1000u);
  // The leading samples are the same as without reduction.
  EXPECT_EQ(labels_of(ds->batch(Split::Validation, 0, 600)), labels_of(default_->batch(Split::Validation, 0, 600)));
}

// ---------------------------------------------------------------------------
// RandomizedClassificationDataset.

TEST(RandomizedClassification, DeterministicPerSeedAndSplit) {
  const json p{{"samples", 20}, {"input_shape", {3, 4}}, {"num_classes", 4}, {"seed", 99}};
  auto a = make("RandomizedClassificationDataset", p);
  auto b = make("kenning.datasets.random.RandomizedClassificationDataset", p);
  json p2 = p;
  p2["seed"] = 100;
  auto c = make("RandomizedClassificationDataset", p2);
  for (auto* ds : {a.get(), b.get(), c.get()}) ds->prepare();

  EXPECT_EQ(a->size(Split::Train), 20u);
  EXPECT_EQ(a->size(Split::Test), 20u);
  const Batch x = a->batch(Split::Test, 0, 20);
  const Batch y = b->batch(Split::Test, 0, 20);
  const Batch z = c->batch(Split::Test, 0, 20);
  const Batch t = a->batch(Split::Train, 0, 20);
  ASSERT_EQ(x.inputs.at(0).shape(), (Shape{20, 3, 4}));
  auto xv = x.inputs[0].data<float>();
  auto yv = y.inputs[0].data<float>();
  EXPECT_TRUE(std::equal(xv.begin(), xv.end(), yv.begin()));
  EXPECT_EQ(labels_of(x), labels_of(y));
  auto zv = z.inputs[0].data<float>();
  EXPECT_FALSE(std::equal(xv.begin(), xv.end(), zv.begin())) << "another seed, other data";
  auto tv = t.inputs[0].data<float>();
  EXPECT_FALSE(std::equal(xv.begin(), xv.end(), tv.begin())) << "splits use different streams";

  std::set<std::int64_t> seen;
  for (auto l : labels_of(x)) {
    EXPECT_GE(l, 0);
    EXPECT_LT(l, 4);
    seen.insert(l);
  }
  EXPECT_GT(seen.size(), 1u);
  for (float v : xv) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LT(v, 1.0f);
  }
  // A sample does not depend on which batch fetched it.
  const Batch one = a->batch(Split::Test, 5, 1);
  EXPECT_TRUE(std::equal(one.inputs[0].data<float>().begin(), one.inputs[0].data<float>().end(), xv.begin() + 5 * 12));
  EXPECT_EQ(a->sample_spec().at(0).shape, (Shape{3, 4}));
  EXPECT_EQ(a->class_names().size(), 4u);
}

TEST(RandomizedClassification, EvaluateAndParameterErrors) {
  auto ds = make("RandomizedClassificationDataset", {{"samples", 3}, {"num_classes", 3}});
  ds->prepare();
  const Batch b = ds->batch(Split::Test, 0, 3);
  Tensor scores(DType::Float32, {3, 3});
  const auto labels = labels_of(b);
  for (std::size_t k = 0; k < 3; ++k) scores.data<float>()[k * 3 + static_cast<std::size_t>(labels[k])] = 1;
  std::vector<Tensor> preds;
  preds.push_back(std::move(scores));
  Measurements m;
  ds->evaluate(preds, b, m);
  EXPECT_EQ(m.at("total"), 3);
  std::int64_t diag = 0;
  for (int c = 0; c < 3; ++c) diag += m.at("eval_confusion_matrix")[c][c].get<std::int64_t>();
  EXPECT_EQ(diag, 3);

  EXPECT_HAS(error_of<ConfigError>([] {
               make("RandomizedClassificationDataset", {{"num_classes", 1}});
             }),
             "num_classes");
  EXPECT_HAS(error_of<ConfigError>([] { make("RandomizedClassificationDataset", {{"samples", 0}}); }), "samples");
  EXPECT_HAS(error_of<ConfigError>([] {
               make("RandomizedClassificationDataset", {{"input_shape", {1, 0, 3}}});
             }),
             "input_shape");
  EXPECT_HAS(error_of<ConfigError>([] {
               make("RandomizedClassificationDataset", {{"input_shape", {4096, 4096, 4096}}});
             }),
             "input_shape");
  const std::vector<std::size_t> idx{3};
  EXPECT_THROW(ds->gather(Split::Test, idx), ConfigError);
}

}  // namespace
}  // namespace kenning
