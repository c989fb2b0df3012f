#include "datasets/fashion_mnist_dataset.h"

#include <cmath>
#include <numeric>
#include <random>
#include <system_error>
#include <utility>

#include "datasets/classification_eval.h"
#include "datasets/idx_reader.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

constexpr std::size_t kSide = 28;
constexpr std::size_t kPixels = kSide * kSide;

// Uniform integer in [0, n) by rejection, so the result depends only on the
// generator's output sequence (std::uniform_int_distribution is
// implementation-defined).
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % n;
  std::uint64_t v;
  do {
    v = rng();
  } while (v >= limit);
  return v % n;
}

// Fisher-Yates; std::shuffle's output differs between standard libraries.
std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_below(rng, i));
    std::swap(perm[i - 1], perm[j]);
  }
  return perm;
}

// Keeps the leading `fraction` of `v` (at least one sample of a non-empty split).
void reduce(std::vector<std::size_t>& v, double fraction) {
  if (v.empty()) return;
  auto keep = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(v.size())));
  keep = std::max<std::size_t>(1, std::min(keep, v.size()));
  v.resize(keep);
}

std::vector<std::string> digit_names() {
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back(std::to_string(i));
  return names;
}

}  // namespace

IdxClassificationDataset::IdxClassificationDataset(std::string class_name, std::filesystem::path root,
                                                   std::int64_t batch_size, double split_fraction_val,
                                                   std::int64_t split_seed, double reduce_dataset,
                                                   std::vector<std::string> class_names)
    : who_(std::move(class_name)),
      root_(std::move(root)),
      batch_size_(static_cast<std::size_t>(batch_size)),
      split_fraction_val_(split_fraction_val),
      split_seed_(static_cast<std::uint64_t>(split_seed)),
      reduce_dataset_(reduce_dataset),
      class_names_(std::move(class_names)) {
  // The classes' constructors check the declared ranges (schema().check);
  // reduce_dataset's open lower end is the limit the declaration cannot express.
  if (!(reduce_dataset > 0 && reduce_dataset <= 1)) {
    throw ConfigError(who_ + ": reduce_dataset: expected float in (0, 1], got " +
                      nlohmann::json(reduce_dataset).dump());
  }
}

IdxClassificationDataset::Source IdxClassificationDataset::load_pair(const std::string& images_stem,
                                                                     const std::string& labels_stem) const {
  // Debian ships the .gz files; an unpacked copy works too.
  auto locate = [&](const std::string& stem) {
    std::error_code ec;
    for (const std::string& name : {stem + ".gz", stem}) {
      const auto path = root_ / name;
      if (std::filesystem::exists(path, ec)) return path;
    }
    throw IoError(root_.string() + ": neither " + stem + ".gz nor " + stem + " found (" + who_ + " dataset_root)");
  };
  const auto images_path = locate(images_stem);
  const auto labels_path = locate(labels_stem);

  IdxArray images = read_idx(images_path, 3);
  if (images.dims[1] != kSide || images.dims[2] != kSide) {
    throw IoError(images_path.string() + ": expected 28x28 images, header declares " + std::to_string(images.dims[0]) +
                  "x" + std::to_string(images.dims[1]) + "x" + std::to_string(images.dims[2]));
  }
  IdxArray labels = read_idx(labels_path, 1);
  if (labels.dims[0] != images.dims[0]) {
    throw IoError(labels_path.string() + ": holds " + std::to_string(labels.dims[0]) + " labels but " +
                  images_path.string() + " holds " + std::to_string(images.dims[0]) + " images");
  }
  for (std::size_t i = 0; i < labels.data.size(); ++i) {
    if (labels.data[i] >= class_names_.size()) {
      throw IoError(labels_path.string() + ": label " + std::to_string(labels.data[i]) + " of sample " +
                    std::to_string(i) + " is outside [0, " + std::to_string(class_names_.size()) + ")");
    }
  }
  return Source{std::move(images.data), std::move(labels.data)};
}

void IdxClassificationDataset::prepare() {
  if (prepared_) return;
  std::error_code ec;
  if (!std::filesystem::is_directory(root_, ec)) {
    throw IoError(root_.string() + ": " + who_ + " dataset_root is not an existing folder");
  }
  train_file_ = load_pair("train-images-idx3-ubyte", "train-labels-idx1-ubyte");
  test_file_ = load_pair("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

  const std::size_t n_train = train_file_.labels.size();
  std::vector<std::size_t> perm = shuffled_indices(n_train, split_seed_);
  const auto n_val = static_cast<std::size_t>(std::llround(split_fraction_val_ * static_cast<double>(n_train)));
  validation_.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_val));
  train_.assign(perm.begin() + static_cast<std::ptrdiff_t>(n_val), perm.end());
  test_.resize(test_file_.labels.size());
  std::iota(test_.begin(), test_.end(), std::size_t{0});

  reduce(train_, reduce_dataset_);
  reduce(validation_, reduce_dataset_);
  reduce(test_, reduce_dataset_);
  prepared_ = true;
}

void IdxClassificationDataset::check_prepared() const {
  if (!prepared_) throw Error(who_ + ": prepare() must be called before reading samples");
}

const IdxClassificationDataset::Source& IdxClassificationDataset::source_of(Split split) const {
  return split == Split::Test ? test_file_ : train_file_;
}

const std::vector<std::size_t>& IdxClassificationDataset::indices_of(Split split) const {
  switch (split) {
    case Split::Train:
      return train_;
    case Split::Test:
      return test_;
    case Split::Validation:
    case Split::Calibration:
      return validation_;
  }
  return train_;
}

std::size_t IdxClassificationDataset::size(Split split) const {
  check_prepared();
  return indices_of(split).size();
}

Batch IdxClassificationDataset::gather(Split split, std::span<const std::size_t> indices) const {
  check_prepared();
  const auto& source = source_of(split);
  const auto& rows = indices_of(split);
  const auto n = static_cast<std::int64_t>(indices.size());

  Batch batch;
  batch.size = indices.size();
  Tensor inputs(DType::Float32, {n, 1, static_cast<std::int64_t>(kSide), static_cast<std::int64_t>(kSide)});
  Tensor targets(DType::Int64, {n});
  auto pixels = inputs.data<float>();
  auto labels = targets.data<std::int64_t>();
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] >= rows.size()) {
      throw ConfigError(who_ + ": sample " + std::to_string(indices[k]) + " of the " + split_name(split) +
                        " split requested, it has " + std::to_string(rows.size()));
    }
    const std::size_t row = rows[indices[k]];
    const std::uint8_t* src = &source.pixels[row * kPixels];
    for (std::size_t p = 0; p < kPixels; ++p) pixels[k * kPixels + p] = src[p] / 255.0f;
    labels[k] = source.labels[row];
  }
  batch.inputs.push_back(std::move(inputs));
  batch.targets.push_back(std::move(targets));
  return batch;
}

std::vector<TensorSpec> IdxClassificationDataset::sample_spec() const {
  TensorSpec spec;
  spec.name = "input";
  spec.shape = {1, static_cast<std::int64_t>(kSide), static_cast<std::int64_t>(kSide)};
  spec.dtype = DType::Float32;
  return {spec};
}

void IdxClassificationDataset::evaluate(std::span<const Tensor> predictions, const Batch& truth,
                                        Measurements& m) const {
  evaluate_classification(predictions, truth, class_names_.size(), m, who_);
}

const ParamSchema<FashionMNISTDataset::Params>& FashionMNISTDataset::schema() {
  static const auto s =
      idx_dataset_schema<Params>("FashionMNISTDataset", "Fashion-MNIST clothing images, 10 classes, IDX files");
  return s;
}

FashionMNISTDataset::FashionMNISTDataset(const Params& params)
    : IdxClassificationDataset(
          "FashionMNISTDataset", schema().checked(params),
          {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}) {}

const ParamSchema<MNISTDataset::Params>& MNISTDataset::schema() {
  static const auto s = idx_dataset_schema<Params>("MNISTDataset", "MNIST handwritten digits, 10 classes, IDX files");
  return s;
}

MNISTDataset::MNISTDataset(const Params& params)
    : IdxClassificationDataset("MNISTDataset", schema().checked(params), digit_names()) {}

}  // namespace kenning
