// libtorch implementation of cnn_torch_backend.h: the only file of this
// library that includes <torch/torch.h> (it takes ~25 s to compile).
#include "modelwrappers/cnn_torch_backend.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "modelwrappers/cnn_onnx_export.h"
#include "modelwrappers/cnn_torchscript_export.h"
#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/core/file_io.h"
#include "kenning/core/progress_bar.h"
#include "modelwrappers/training_log.h"

namespace kenning::cnn_torch {

namespace {

// The module built from the layer table; parameters are named
// "layers.<index>.weight" / ".bias", as the ONNX initializers are.
struct CnnImpl : torch::nn::Module {
  explicit CnnImpl(const std::vector<CnnLayer>& layer_table) : table(layer_table) {
    layers = register_module("layers", torch::nn::Sequential());
    for (const CnnLayer& l : table) {
      switch (l.kind) {
        case CnnLayerKind::Conv2d:
          layers->push_back(torch::nn::Conv2d(
              torch::nn::Conv2dOptions(l.in, l.out, l.kernel).stride(l.stride).padding(l.padding)));
          break;
        case CnnLayerKind::Relu:
          layers->push_back(torch::nn::ReLU());
          break;
        case CnnLayerKind::MaxPool2d:
          layers->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(l.kernel).stride(l.stride)));
          break;
        case CnnLayerKind::Flatten:
          layers->push_back(torch::nn::Flatten());
          break;
        case CnnLayerKind::Linear:
          layers->push_back(torch::nn::Linear(l.in, l.out));
          break;
        case CnnLayerKind::Dropout:
          layers->push_back(torch::nn::Dropout(l.dropout));
          break;
      }
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    auto module = layers->begin();
    for (const CnnLayer& l : table) {
      x = l.kind == CnnLayerKind::Linear ? linear(x, *module->ptr<torch::nn::LinearImpl>())
                                         : module->forward(x);
      ++module;
    }
    return x;
  }

  // Same maths and parameters as LinearImpl::forward, computed as a 1x1
  // convolution: Debian's libtorch runs matmul on the reference BLAS, while
  // convolutions go to oneDNN, which is ~6x faster here for the 3136->128
  // layer. oneDNN only takes batches > 1; single samples keep the matmul.
  static torch::Tensor linear(const torch::Tensor& x, const torch::nn::LinearImpl& lin) {
    const std::int64_t n = x.size(0);
    if (x.dim() != 2 || n <= 1) return torch::nn::functional::linear(x, lin.weight, lin.bias);
    const std::int64_t out = lin.weight.size(0);
    const std::int64_t in = lin.weight.size(1);
    return torch::conv2d(x.reshape({n, in, 1, 1}), lin.weight.view({out, in, 1, 1}), lin.bias)
        .view({n, out});
  }

  std::vector<CnnLayer> table;
  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(Cnn);

void set_threads(std::int64_t num_threads) {
  const std::int64_t n =
      num_threads > 0 ? num_threads : std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  torch::set_num_threads(static_cast<int>(n));
}

std::string torch_message(const c10::Error& e) { return e.what_without_backtrace(); }

void save_module(const Cnn& net, const std::filesystem::path& path) {
  std::ostringstream buffer;
  try {
    torch::save(net, buffer);
  } catch (const c10::Error& e) {
    throw BackendError(path.string() + ": cannot serialize weights: " + torch_message(e));
  }
  write_file_atomically(path, buffer.str());
}

Cnn load_module(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw IoError(path.string() +
                  ": weights file not found (train the model first, e.g. `kenning train`)");
  }
  Cnn net(fashion_mnist_cnn_layers());
  try {
    torch::load(net, path.string());
  } catch (const c10::Error& e) {
    throw IoError(path.string() + ": not PyTorchFashionMNISTCNN weights: " + torch_message(e));
  }
  net->eval();
  return net;
}

// A dataset batch as torch tensors that borrow the batch's memory.
struct TorchBatch {
  torch::Tensor x;  // float32 [n, 1, 28, 28]
  torch::Tensor y;  // int64 [n]
};

TorchBatch to_torch(const Batch& b, Split split) {
  const std::string where = std::string("dataset ") + split_name(split) + " batch";
  if (b.inputs.size() != 1 || b.targets.size() != 1) {
    throw ConfigError(where + ": expected 1 input and 1 target tensor, got " +
                      std::to_string(b.inputs.size()) + " and " + std::to_string(b.targets.size()));
  }
  const TensorView input = b.inputs[0].view();
  try {
    check_inputs_against_spec(std::span<const TensorView>(&input, 1), {cnn_input_spec()});
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  const Tensor& targets = b.targets[0];
  const std::int64_t n = input.shape()[0];
  if (targets.dtype() != DType::Int64 || targets.shape() != Shape{n}) {
    throw ConfigError(where + ": expected int64 labels of shape [" + std::to_string(n) + "], got " +
                      std::string(dtype_name(targets.dtype())) + " " +
                      shape_to_string(targets.shape()));
  }
  for (std::int64_t label : targets.data<std::int64_t>()) {
    if (label < 0 || label >= kCnnNumClasses) {
      throw ConfigError(where + ": label " + std::to_string(label) + " outside [0, " +
                        std::to_string(kCnnNumClasses) + ")");
    }
  }
  // from_blob wants a mutable pointer; nothing here writes through it.
  auto* xs = const_cast<std::byte*>(input.bytes().data());
  auto* ys = const_cast<std::byte*>(targets.bytes().data());
  return {torch::from_blob(xs, input.shape(), torch::kFloat32),
          torch::from_blob(ys, targets.shape(), torch::kInt64)};
}

struct Score {
  double loss = 0;
  double accuracy = 0;
};

Score evaluate(Cnn& net, const Dataset& dataset, Split split) {
  torch::NoGradGuard no_grad;
  net->eval();
  const std::size_t n = dataset.size(split);
  double loss_sum = 0;
  std::int64_t correct = 0;
  constexpr std::size_t kEvalBatch = 256;
  for (std::size_t begin = 0; begin < n; begin += kEvalBatch) {
    const Batch batch = dataset.batch(split, begin, kEvalBatch);
    const TorchBatch t = to_torch(batch, split);
    const torch::Tensor logits = net->forward(t.x);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, t.y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += (logits.argmax(1) == t.y).sum().item<std::int64_t>();
  }
  if (n == 0) return {};
  return {loss_sum / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n)};
}

// The Conv and Linear weights (what pruning and sparsity count).
std::vector<torch::Tensor> prunable_weights(Cnn& net) {
  std::vector<torch::Tensor> out;
  for (const auto& p : net->named_parameters()) {
    if (p.key().size() > 7 && p.key().substr(p.key().size() - 7) == ".weight") out.push_back(p.value());
  }
  return out;
}

// Global magnitude pruning: one threshold over all weights, so layers with
// many small weights lose more than layers with few. Returns the masks
// (1 = kept), in prunable_weights() order, already applied.
std::vector<torch::Tensor> prune_by_magnitude(Cnn& net, double sparsity) {
  torch::NoGradGuard no_grad;
  const auto weights = prunable_weights(net);
  std::vector<torch::Tensor> flat;
  for (const auto& w : weights) flat.push_back(w.detach().abs().flatten());
  const torch::Tensor all = torch::cat(flat);
  const auto k = static_cast<std::int64_t>(sparsity * static_cast<double>(all.numel()));
  std::vector<torch::Tensor> masks;
  if (k <= 0) return masks;
  // The k-th smallest magnitude; everything at or below it goes (ties can
  // prune a few more than k, never fewer).
  const float threshold = std::get<0>(torch::kthvalue(all, k)).item<float>();
  for (const auto& w : weights) {
    torch::Tensor mask = (w.detach().abs() > threshold).to(w.dtype());
    w.mul_(mask);
    masks.push_back(mask);
  }
  return masks;
}

std::vector<EpochStats> train_impl(const TrainConfig& c, const Dataset& dataset) {
  const std::size_t n = dataset.size(Split::Train);
  if (n == 0) throw ConfigError("PyTorchFashionMNISTCNN: the dataset's Train split is empty");
  const bool validate = dataset.size(Split::Validation) > 0;
  if (!validate) spdlog::warn("PyTorchFashionMNISTCNN: no Validation split; val_* will be 0");
  if (c.weights_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(c.weights_path.parent_path(), ec);
    if (ec) throw IoError(c.weights_path.parent_path().string() + ": cannot create folder: " + ec.message());
  }
  TrainingLog log(c.logdir);

  set_threads(c.num_threads);
  torch::manual_seed(static_cast<std::uint64_t>(c.seed));  // weights and dropout
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.seed));  // sample order
  Cnn net = c.initial_weights.empty() ? Cnn(fashion_mnist_cnn_layers()) : load_module(c.initial_weights);
  const std::vector<torch::Tensor> masks =
      c.prune_sparsity > 0 ? prune_by_magnitude(net, c.prune_sparsity) : std::vector<torch::Tensor>{};
  const std::vector<torch::Tensor> pruned = masks.empty() ? masks : prunable_weights(net);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(c.learning_rate));

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto batch_size = static_cast<std::size_t>(c.batch_size);
  const std::size_t num_batches = (n + batch_size - 1) / batch_size;

  std::vector<EpochStats> history;
  for (std::int64_t epoch = 1; epoch <= c.num_epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    net->train();
    ProgressBar bar(fmt::format("epoch {}/{}", epoch, c.num_epochs), num_batches);
    double loss_sum = 0;
    std::int64_t correct = 0;
    std::size_t seen = 0;
    for (std::size_t b = 0; b < num_batches; ++b) {
      const std::size_t begin = b * batch_size;
      const std::size_t count = std::min(batch_size, n - begin);
      const Batch batch = dataset.gather(Split::Train, std::span(order).subspan(begin, count));
      const TorchBatch t = to_torch(batch, Split::Train);
      optimizer.zero_grad();
      const torch::Tensor logits = net->forward(t.x);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, t.y);
      loss.backward();
      optimizer.step();
      if (!masks.empty()) {
        // Pruned weights stay zero: Adam's momentum would revive them.
        torch::NoGradGuard no_grad;
        for (std::size_t i = 0; i < masks.size(); ++i) pruned[i].mul_(masks[i]);
      }
      loss_sum += loss.item<double>() * static_cast<double>(count);
      correct += (logits.argmax(1) == t.y).sum().item<std::int64_t>();
      seen += count;
      bar.update(b + 1, fmt::format("loss {:.4f}", loss_sum / static_cast<double>(seen)));
    }
    EpochStats s;
    s.epoch = static_cast<int>(epoch);
    s.train_loss = loss_sum / static_cast<double>(seen);
    s.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    if (validate) {
      const Score v = evaluate(net, dataset, Split::Validation);
      s.val_loss = v.loss;
      s.val_accuracy = v.accuracy;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bar.finish(fmt::format("loss {:.4f} val_acc {:.4f}", s.train_loss, s.val_accuracy));
    spdlog::info("epoch {}/{}: train_loss {:.4f} train_accuracy {:.4f} val_loss {:.4f} "
                 "val_accuracy {:.4f} ({:.1f} s)",
                 epoch, c.num_epochs, s.train_loss, s.train_accuracy, s.val_loss, s.val_accuracy,
                 s.seconds);
    log.add(s);
    history.push_back(s);
  }
  save_module(net, c.weights_path);
  spdlog::info("saved weights to {}", c.weights_path.string());
  return history;
}

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}

std::vector<CnnLayerParams> layer_params(const Cnn& net) {
  const auto& table = fashion_mnist_cnn_layers();
  std::vector<CnnLayerParams> out(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!cnn_layer_has_params(table[i].kind)) continue;
    const auto named = net->layers->ptr(i)->named_parameters(/*recurse=*/false);
    const torch::Tensor* w = named.find("weight");
    const torch::Tensor* b = named.find("bias");
    if (w == nullptr || b == nullptr) {
      throw BackendError("layer " + std::to_string(i) + " has no weight/bias parameters");
    }
    out[i] = {to_vector(*w), w->sizes().vec(), to_vector(*b), b->sizes().vec()};
  }
  return out;
}

}  // namespace

bool available() { return true; }
std::string torch_version() { return TORCH_VERSION; }

std::vector<EpochStats> train(const TrainConfig& config, const Dataset& dataset) {
  try {
    return train_impl(config, dataset);
  } catch (const c10::Error& e) {
    throw BackendError("PyTorchFashionMNISTCNN training failed: " + torch_message(e));
  }
}

double weight_sparsity(const std::filesystem::path& weights_path) {
  Cnn net = load_module(weights_path);
  std::int64_t zeros = 0, total = 0;
  for (const auto& w : prunable_weights(net)) {
    zeros += (w == 0).sum().item<std::int64_t>();
    total += w.numel();
  }
  return total == 0 ? 0.0 : static_cast<double>(zeros) / static_cast<double>(total);
}

void save_initial_weights(const std::filesystem::path& weights_path, std::int64_t seed) {
  torch::manual_seed(static_cast<std::uint64_t>(seed));
  save_module(Cnn(fashion_mnist_cnn_layers()), weights_path);
}

void export_onnx(const std::filesystem::path& weights_path, const std::filesystem::path& onnx_path) {
  const Cnn net = load_module(weights_path);
  export_cnn_to_onnx(fashion_mnist_cnn_layers(), layer_params(net), onnx_path);
}

void export_torchscript(const std::filesystem::path& weights_path, const std::filesystem::path& ts_path) {
  const Cnn net = load_module(weights_path);
  export_cnn_to_torchscript(fashion_mnist_cnn_layers(), layer_params(net), ts_path);
}

class Net {
 public:
  explicit Net(Cnn m) : module(std::move(m)) {}
  Cnn module;
};

void NetDeleter::operator()(Net* net) const { delete net; }

NetPtr load_net(const std::filesystem::path& weights_path, std::int64_t num_threads) {
  set_threads(num_threads);
  return NetPtr(new Net(load_module(weights_path)));
}

Tensor forward(Net& net, const TensorView& input) {
  try {
    torch::NoGradGuard no_grad;
    auto* data = const_cast<std::byte*>(input.bytes().data());
    const torch::Tensor x = torch::from_blob(data, input.shape(), torch::kFloat32);
    const torch::Tensor logits = net.module->forward(x).contiguous();
    Tensor out(DType::Float32, logits.sizes().vec());
    std::memcpy(out.bytes().data(), logits.data_ptr<float>(), out.nbytes());
    return out;
  } catch (const c10::Error& e) {
    throw BackendError("PyTorchFashionMNISTCNN inference failed: " + torch_message(e));
  }
}

}  // namespace kenning::cnn_torch
