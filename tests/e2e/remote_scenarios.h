// What the remote end-to-end tests share: the scenarios they run, whether
// the data and model they need are here, and argument lists.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

inline const char* const kLocalScenario = "scenarios/fashion-mnist-cnn-onnx-exec.json";
inline const char* const kRemoteScenario = "scenarios/fashion-mnist-remote.json";
inline const char* const kServerScenario = "scenarios/server.json";

inline bool have_data_and_model() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") &&
         std::filesystem::exists(std::filesystem::path(KENNING_TEST_SOURCE_DIR) / "models/fashion-mnist-cnn.onnx");
}

inline std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// 200 test images in batches of 10: 20 round trips, a few seconds.
inline const std::vector<std::string> kReduced = {"--reduce-dataset", "0.02", "--inference-batch-size", "10"};
