// Fashion-MNIST and MNIST: 28x28 grey images in IDX files
// (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
// t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) under
// dataset_root. Both classes share one implementation and differ only in
// class names and default root.
//
// Splits: Test = the t10k files; the training files are shuffled with
// split_seed and the first split_fraction_val of them become Validation, the
// rest Train; Calibration = Validation. reduce_dataset keeps the leading
// fraction of every split. Inputs are float32 [n, 1, 28, 28] in [0, 1],
// targets int64 [n].
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kenning/core/params.h"
#include "kenning/dataset.h"

namespace kenning {

// Parameters shared by the IDX datasets; `Defaults::root` is the class's
// default dataset_root (a template so each class has its own default while
// the keys are declared once, in idx_dataset_schema).
template <class Defaults>
struct IdxDatasetParams {
  std::filesystem::path dataset_root = Defaults::root;
  std::int64_t inference_batch_size = 1;
  double split_fraction_val = 0.1;
  std::int64_t split_seed = 1234;
  double reduce_dataset = 1.0;
};

template <class P>
ParamSchema<P> idx_dataset_schema(std::string class_name, std::string description) {
  return ParamSchema<P>(std::move(class_name), std::move(description))
      .field("dataset_root", &P::dataset_root, "Folder holding the four IDX files (.gz or raw)")
      .field("inference_batch_size", &P::inference_batch_size, "Samples per inference batch")
      .at_least(1)
      .field("split_fraction_val", &P::split_fraction_val, "Fraction of the training file held out for validation")
      .range(0, 0.9)
      .field("split_seed", &P::split_seed, "Seed of the train/validation shuffle")
      .field("reduce_dataset", &P::reduce_dataset, "Fraction of every split to keep (0 excluded), for quick runs")
      .range(0, 1);
}

class IdxClassificationDataset : public Dataset {
 public:
  void prepare() override;
  std::size_t size(Split split) const override;
  Batch gather(Split split, std::span<const std::size_t> indices) const override;
  std::size_t inference_batch_size() const override { return batch_size_; }
  std::vector<std::string> class_names() const override { return class_names_; }
  std::vector<TensorSpec> sample_spec() const override;
  void evaluate(std::span<const Tensor> predictions, const Batch& truth, Measurements& m) const override;

 protected:
  template <class D>
  IdxClassificationDataset(std::string class_name, const IdxDatasetParams<D>& p, std::vector<std::string> class_names)
      : IdxClassificationDataset(std::move(class_name), p.dataset_root, p.inference_batch_size, p.split_fraction_val,
                                 p.split_seed, p.reduce_dataset, std::move(class_names)) {}

 private:
  IdxClassificationDataset(std::string class_name, std::filesystem::path root, std::int64_t batch_size,
                           double split_fraction_val, std::int64_t split_seed, double reduce_dataset,
                           std::vector<std::string> class_names);

  // Images and labels of one pair of IDX files.
  struct Source {
    std::vector<std::uint8_t> pixels;  // count x 28 x 28
    std::vector<std::uint8_t> labels;  // count
  };
  Source load_pair(const std::string& images_stem, const std::string& labels_stem) const;
  // The source a split reads from and the indices into it.
  const Source& source_of(Split split) const;
  const std::vector<std::size_t>& indices_of(Split split) const;
  void check_prepared() const;

  std::string who_;
  std::filesystem::path root_;
  std::size_t batch_size_;
  double split_fraction_val_;
  std::uint64_t split_seed_;
  double reduce_dataset_;
  std::vector<std::string> class_names_;

  bool prepared_ = false;
  Source train_file_;
  Source test_file_;
  std::vector<std::size_t> train_;
  std::vector<std::size_t> validation_;
  std::vector<std::size_t> test_;
};

struct FashionMNISTDefaults {
  static constexpr const char* root = "/usr/share/datasets/fashion-mnist";
};
struct MNISTDefaults {
  static constexpr const char* root = "/usr/share/datasets/mnist";
};

class FashionMNISTDataset : public IdxClassificationDataset {
 public:
  using Params = IdxDatasetParams<FashionMNISTDefaults>;
  static const ParamSchema<Params>& schema();
  explicit FashionMNISTDataset(const Params& params);
};

class MNISTDataset : public IdxClassificationDataset {
 public:
  using Params = IdxDatasetParams<MNISTDefaults>;
  static const ParamSchema<Params>& schema();
  explicit MNISTDataset(const Params& params);
};

}  // namespace kenning
