// ONNX's own node tests (Debian's libonnx-testdata) through the interpreter:
// every test whose ops are all in our op table must either match the
// reference outputs or be refused at load with NotSupported. Prints a per-op
// pass table and the refused tests.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "onnx_exec/executor.h"
#include "kenning/core/error.h"
#include "onnx_exec/tensor_proto.h"

namespace fs = std::filesystem;
using namespace kenning::onnx_exec;

namespace {

const fs::path kNodeTests = "/usr/share/libonnx-testdata/data/node";

// Files `prefix_<i>.pb` in index order.
std::vector<fs::path> numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  for (int i = 0;; ++i) {
    fs::path p = dir / (prefix + "_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) return out;
    out.push_back(p);
  }
}

// Empty when equal, else what differs.
std::string compare(const at::Tensor& got, const at::Tensor& want) {
  if (got.scalar_type() != want.scalar_type()) {
    return std::string("dtype ") + c10::toString(got.scalar_type()) + " vs " + c10::toString(want.scalar_type());
  }
  if (got.sizes() != want.sizes()) {
    std::ostringstream s;
    s << "shape " << got.sizes() << " vs " << want.sizes();
    return s.str();
  }
  if (at::isFloatingType(want.scalar_type())) {
    const double tol = want.scalar_type() == at::kHalf ? 1e-3 : 1e-4;
    const at::Tensor g = got.to(at::kDouble), w = want.to(at::kDouble);
    if (!at::allclose(g, w, tol, tol, /*equal_nan=*/true)) {
      return "max abs diff " + std::to_string((g - w).abs().nan_to_num(0).max().item<double>());
    }
    return "";
  }
  return at::equal(got, want) ? "" : "values differ";
}

}  // namespace

TEST(OnnxExecConformance, NodeTestsOfSupportedOpsPass) {
  if (!fs::is_directory(kNodeTests)) GTEST_SKIP() << kNodeTests << " is missing";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(kNodeTests)) {
    if (e.is_directory() && fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());

  struct Tally {
    int passed = 0, total = 0, refused = 0;
  };
  std::map<std::string, Tally> table;
  std::vector<std::string> failures, refused;
  int out_of_opset = 0;
  for (const fs::path& dir : dirs) {
    const std::string name = dir.filename().string();
    onnx::ModelProto model;
    try {
      model = read_model_file(dir / "model.onnx");
    } catch (const kenning::Error&) {
      continue;
    }
    std::set<std::string> ops;
    bool ours = true;
    for (const auto& node : model.graph().node()) {
      ours = ours && (node.domain().empty() || node.domain() == "ai.onnx") && is_supported_op(node.op_type());
      ops.insert(node.op_type());
    }
    if (!ours || ops.empty()) continue;
    std::int64_t opset = 0;
    for (const auto& o : model.opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
    }
    if (opset < kMinOpset || opset > kMaxOpset) {
      ++out_of_opset;  // refused by design; not a test of an op we run
      continue;
    }
    const std::string label = ops.size() == 1 ? *ops.begin() : "(multi-node)";
    Tally& tally = table[label];
    ++tally.total;
    try {
      const Executor exec = Executor::load(dir / "model.onnx");
      std::vector<at::Tensor> inputs;
      for (const auto& p : numbered(dir / "test_data_set_0", "input")) {
        inputs.push_back(load_tensor_file(p));
      }
      const std::vector<at::Tensor> outputs = exec.run(inputs);
      const auto expected = numbered(dir / "test_data_set_0", "output");
      std::string why = outputs.size() == expected.size() ? "" : "output count differs";
      for (std::size_t i = 0; why.empty() && i < expected.size(); ++i) {
        why = compare(outputs[i], load_tensor_file(expected[i]));
        if (!why.empty()) why = "output " + std::to_string(i) + ": " + why;
      }
      if (why.empty())
        ++tally.passed;
      else
        failures.push_back(name + ": " + why);
    } catch (const kenning::NotSupported& e) {
      // Refusals at load are allowed (never a wrong answer), listed below.
      ++tally.refused;
      --tally.total;
      refused.push_back(name + ": " + e.what());
    } catch (const std::exception& e) {
      std::string what = e.what();
      failures.push_back(name + ": " + what.substr(0, what.find('\n')));
    }
  }

  int passed = 0, total = 0;
  std::printf("%-22s %8s %8s\n", "op", "passed", "refused");
  for (const auto& [op, t] : table) {
    std::printf("%-22s %4d/%-3d %8d\n", op.c_str(), t.passed, t.total, t.refused);
    passed += t.passed;
    total += t.total;
  }
  std::printf("total: %d/%d passed, %zu refused at load (NotSupported), %d outside opsets %lld..%lld\n", passed, total,
              refused.size(), out_of_opset, static_cast<long long>(kMinOpset), static_cast<long long>(kMaxOpset));
  for (const auto& r : refused) std::printf("refused: %s\n", r.c_str());
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(total, 100);
}
