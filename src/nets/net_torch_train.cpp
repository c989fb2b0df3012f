// libtorch implementation of net_torch_train.h: the training loop over the
// NetGraph module of net_torch_module.h.
#include "nets/net_torch_train.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <span>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "kenning/core/error.h"
#include "kenning/core/io_spec.h"
#include "kenning/core/progress_bar.h"
#include "nets/net_torch_module.h"
#include "nets/training_log.h"

namespace kenning::net_torch {

namespace {

using detail::NetModule;

// What train() checks batches against.
struct DataShape {
  TensorSpec input;  // float32 [-1, C, H, W]
  std::int64_t classes = 0;
};

DataShape data_shape(const NetGraph& graph) {
  const Shape out = infer_net_shapes(graph).back();
  if (out.size() != 1) {
    throw ConfigError("net '" + graph.name + "': trains on logits [n, classes], but outputs " + shape_to_string(out) +
                      " per sample");
  }
  DataShape d;
  d.input.name = graph.input;
  d.input.shape = graph.input_shape;
  d.input.shape.insert(d.input.shape.begin(), -1);
  d.input.dtype = DType::Float32;
  d.classes = out[0];
  return d;
}

// libtorch's own initialisation of every Conv2d and Linear, drawn in node
// order from the global generator, as building the same layers as
// torch::nn modules would (BatchNorm2d starts at weight 1, bias 0, mean 0,
// variance 1).
void init_like_libtorch(NetModule& net) {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < net->graph.nodes.size(); ++i) {
    const NetNode& n = net->graph.nodes[i];
    detail::NodeTensors& t = net->tensors[i];
    if (n.op == NetOp::Conv2d) {
      const torch::nn::Conv2d conv(torch::nn::Conv2dOptions(n.in, n.out, n.kernel)
                                       .stride(n.stride)
                                       .padding(n.padding)
                                       .groups(n.groups)
                                       .bias(n.bias));
      t.weight.copy_(conv->weight);
      if (n.bias) t.bias.copy_(conv->bias);
    } else if (n.op == NetOp::Linear) {
      const torch::nn::Linear lin(n.in, n.out);
      t.weight.copy_(lin->weight);
      t.bias.copy_(lin->bias);
    } else if (n.op == NetOp::BatchNorm2d) {
      t.weight.fill_(1);
      t.bias.fill_(0);
      t.running_mean.fill_(0);
      t.running_var.fill_(1);
    }
  }
}

NetModule initial_module(const NetGraph& graph, std::int64_t seed) {
  torch::manual_seed(static_cast<std::uint64_t>(seed));
  NetModule net(graph);
  init_like_libtorch(net);
  return net;
}

// A dataset batch as torch tensors that borrow the batch's memory.
struct TorchBatch {
  torch::Tensor x;  // float32 [n, C, H, W]
  torch::Tensor y;  // int64 [n]
};

TorchBatch to_torch(const Batch& b, Split split, const DataShape& shape) {
  const std::string where = std::string("dataset ") + split_name(split) + " batch";
  if (b.inputs.size() != 1 || b.targets.size() != 1) {
    throw ConfigError(where + ": expected 1 input and 1 target tensor, got " + std::to_string(b.inputs.size()) +
                      " and " + std::to_string(b.targets.size()));
  }
  const TensorView input = b.inputs[0].view();
  try {
    check_inputs_against_spec(std::span<const TensorView>(&input, 1), {shape.input});
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  const Tensor& targets = b.targets[0];
  const std::int64_t n = input.shape()[0];
  if (targets.dtype() != DType::Int64 || targets.shape() != Shape{n}) {
    throw ConfigError(where + ": expected int64 labels of shape [" + std::to_string(n) + "], got " +
                      std::string(dtype_name(targets.dtype())) + " " + shape_to_string(targets.shape()));
  }
  for (std::int64_t label : targets.data<std::int64_t>()) {
    if (label < 0 || label >= shape.classes) {
      throw ConfigError(where + ": label " + std::to_string(label) + " outside [0, " + std::to_string(shape.classes) +
                        ")");
    }
  }
  // from_blob wants a mutable pointer; nothing here writes through it.
  auto* xs = const_cast<std::byte*>(input.bytes().data());
  auto* ys = const_cast<std::byte*>(targets.bytes().data());
  return {torch::from_blob(xs, input.shape(), torch::kFloat32), torch::from_blob(ys, targets.shape(), torch::kInt64)};
}

struct Score {
  double loss = 0;
  double accuracy = 0;
};

Score evaluate(NetModule& net, const Dataset& dataset, Split split, const DataShape& shape) {
  torch::NoGradGuard no_grad;
  net->eval();
  const std::size_t n = dataset.size(split);
  double loss_sum = 0;
  std::int64_t correct = 0;
  constexpr std::size_t kEvalBatch = 256;
  for (std::size_t begin = 0; begin < n; begin += kEvalBatch) {
    const Batch batch = dataset.batch(split, begin, kEvalBatch);
    const TorchBatch t = to_torch(batch, split, shape);
    const torch::Tensor logits = net->forward(t.x);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, t.y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += (logits.argmax(1) == t.y).sum().item<std::int64_t>();
  }
  if (n == 0) return {};
  return {loss_sum / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n)};
}

// The Conv2d and Linear weights (what pruning and sparsity count).
std::vector<torch::Tensor> prunable_weights(const NetModule& net) {
  std::vector<torch::Tensor> out;
  for (std::size_t i = 0; i < net->graph.nodes.size(); ++i) {
    const NetOp op = net->graph.nodes[i].op;
    if (op == NetOp::Conv2d || op == NetOp::Linear) out.push_back(net->tensors[i].weight);
  }
  return out;
}

// Global magnitude pruning: one threshold over all weights, so layers with
// many small weights lose more than layers with few. Returns the masks
// (1 = kept), in prunable_weights() order, already applied.
std::vector<torch::Tensor> prune_by_magnitude(const NetModule& net, double sparsity) {
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

void create_parent_folder(const std::filesystem::path& file) {
  if (!file.has_parent_path()) return;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) throw IoError(file.parent_path().string() + ": cannot create folder: " + ec.message());
}

// One pass over the Train split in `order`; the epoch's mean loss and
// accuracy in `s`.
void train_epoch(NetModule& net, torch::optim::Adam& optimizer, const Dataset& dataset, const DataShape& shape,
                 std::span<const std::size_t> order, std::size_t batch_size, const std::vector<torch::Tensor>& masks,
                 const std::vector<torch::Tensor>& pruned, ProgressBar& bar, EpochStats& s) {
  const std::size_t n = order.size();
  const std::size_t num_batches = (n + batch_size - 1) / batch_size;
  net->train();
  double loss_sum = 0;
  std::int64_t correct = 0;
  std::size_t seen = 0;
  for (std::size_t b = 0; b < num_batches; ++b) {
    const std::size_t begin = b * batch_size;
    const std::size_t count = std::min(batch_size, n - begin);
    const Batch batch = dataset.gather(Split::Train, order.subspan(begin, count));
    const TorchBatch t = to_torch(batch, Split::Train, shape);
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
  s.train_loss = loss_sum / static_cast<double>(seen);
  s.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
}

std::vector<EpochStats> train_impl(const NetGraph& graph, const TrainConfig& c, const std::string& owner,
                                   const Dataset& dataset) {
  const DataShape shape = data_shape(graph);
  const std::size_t n = dataset.size(Split::Train);
  if (n == 0) throw ConfigError(owner + ": the dataset's Train split is empty");
  const bool validate = dataset.size(Split::Validation) > 0;
  if (!validate) spdlog::warn("{}: no Validation split; val_* will be 0", owner);
  create_parent_folder(c.weights_path);
  TrainingLog log(c.logdir);

  detail::set_threads(c.num_threads);
  // The seed draws fresh weights, then dropout; a second stream the sample
  // order. Fine-tuning draws the fresh weights too before replacing them, so
  // that dropout sees the same stream either way.
  NetModule net = initial_module(graph, c.seed);
  if (!c.initial_weights.empty()) net = detail::load_module(graph, c.initial_weights);
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.seed));
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
    ProgressBar bar(fmt::format("epoch {}/{}", epoch, c.num_epochs), num_batches);
    EpochStats s;
    s.epoch = static_cast<int>(epoch);
    train_epoch(net, optimizer, dataset, shape, order, batch_size, masks, pruned, bar, s);
    if (validate) {
      const Score v = evaluate(net, dataset, Split::Validation, shape);
      s.val_loss = v.loss;
      s.val_accuracy = v.accuracy;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bar.finish(fmt::format("loss {:.4f} val_acc {:.4f}", s.train_loss, s.val_accuracy));
    spdlog::info(
        "epoch {}/{}: train_loss {:.4f} train_accuracy {:.4f} val_loss {:.4f} "
        "val_accuracy {:.4f} ({:.1f} s)",
        epoch, c.num_epochs, s.train_loss, s.train_accuracy, s.val_loss, s.val_accuracy, s.seconds);
    log.add(s);
    history.push_back(s);
  }
  detail::save_module(net, c.weights_path);
  spdlog::info("saved weights to {}", c.weights_path.string());
  return history;
}

}  // namespace

std::vector<EpochStats> train(const NetGraph& graph, const TrainConfig& config, const Dataset& dataset) {
  const std::string owner = config.owner.empty() ? "net '" + graph.name + "'" : config.owner;
  try {
    return train_impl(graph, config, owner, dataset);
  } catch (const c10::Error& e) {
    throw BackendError(owner + " training failed: " + detail::torch_message(e));
  }
}

void save_initial_weights(const NetGraph& graph, const std::filesystem::path& weights_path, std::int64_t seed) {
  detail::save_module(initial_module(graph, seed), weights_path);
}

double weight_sparsity(const NetGraph& graph, const std::filesystem::path& weights_path) {
  const NetModule net = detail::load_module(graph, weights_path);
  std::int64_t zeros = 0, total = 0;
  for (const auto& w : prunable_weights(net)) {
    zeros += (w == 0).sum().item<std::int64_t>();
    total += w.numel();
  }
  return total == 0 ? 0.0 : static_cast<double>(zeros) / static_cast<double>(total);
}

}  // namespace kenning::net_torch
