// `kenning flow` as a user runs it: the example flow on Fashion-MNIST images
// and video, bad flows and devices, unreadable images, and Ctrl-C.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "e2e_support.h"
#include "fashion_mnist_frames.h"
#include "run_kenning.h"

extern char** environ;

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json model_block() {
  return {{"model_wrapper",
           {{"type", "PyTorchFashionMNISTCNN"}, {"parameters", {{"model_path", "models/fashion-mnist-cnn.onnx"}}}}},
          {"runtime", {{"type", "OpenCVRuntime"}, {"parameters", {{"num_threads", 1}}}}}};
}

// provider -> CNN -> JSON lines + names on stdout
json classification_flow(const json& provider, const fs::path& jsonl) {
  json p = provider;
  p["outputs"] = {{"frame", "frames"}};
  return json::array({p,
                      {{"type", "ModelRuntimeRunner"},
                       {"parameters", model_block()},
                       {"inputs", {{"input", "frames"}}},
                       {"outputs", {{"output", "scores"}}}},
                      {{"type", "JSONLinesWriter"},
                       {"parameters", {{"output_path", jsonl.string()}}},
                       {"inputs", {{"predictions", "scores"}}}},
                      {{"type", "NamePrinter"}, {"inputs", {{"predictions", "scores"}}}}});
}

fs::path write_flow(const fs::path& dir, const json& flow) {
  const fs::path p = dir / "flow.json";
  std::ofstream(p) << flow.dump(2);
  return p;
}

std::vector<json> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST(CliFlow, ClassifiesAFolderPrintsNamesAndTimings) {
  const auto dir = e2e_temp_dir("flow", "folder");
  const FashionSamples s = load_fashion_samples(50);
  write_image_folder(s, dir / "images");
  const auto flow = write_flow(dir, classification_flow({{"type", "ImageFolderDataProvider"},
                                                         {"parameters", {{"directory", (dir / "images").string()}}}},
                                                        dir / "p.jsonl"));
  const auto r = run_kenning({"flow", "--cfg", flow.string(), "--measurements", (dir / "stats.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = read_lines(dir / "p.jsonl");
  ASSERT_EQ(lines.size(), 50u);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) correct += lines[i]["class_id"] == s.labels[i];
  EXPECT_GE(correct, 42u);
  EXPECT_NE(r.out.find("frame 0: " + lines[0]["label"].get<std::string>()), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("flow: 50 steps"), std::string::npos) << r.err;
  const json stats = read_json(dir / "stats.json");
  EXPECT_EQ(stats["steps"], 50);
  EXPECT_EQ(stats["stop_reason"], "provider ended");
  EXPECT_EQ(stats["runners"].size(), 4u);
  fs::remove_all(dir);
}

TEST(CliFlow, ExampleFlowRunsOnAVideo) {
  const auto dir = e2e_temp_dir("flow", "example");
  write_video(load_fashion_samples(30), dir / "v.avi");
  json flow = read_json(fs::path(KENNING_TEST_SOURCE_DIR) / "scenarios/flow-fashion-mnist.json");
  // The example reads build/fashion-mnist-test.avi and writes next to it; point it here.
  for (auto& runner : flow) {
    auto& p = runner["parameters"];
    if (p.contains("video_source")) p["video_source"] = (dir / "v.avi").string();
    if (p.contains("output_path"))
      p["output_path"] = (dir / fs::path(p["output_path"].get<std::string>()).filename()).string();
  }
  const auto r = run_kenning({"flow", "--cfg", write_flow(dir, flow).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_lines(dir / "fashion-mnist-predictions.jsonl").size(), 30u);
  EXPECT_TRUE(fs::exists(dir / "fashion-mnist-annotated.avi"));
  fs::remove_all(dir);
}

TEST(CliFlow, BadFlowsFailWithClearErrorsAndNoOutput) {
  const auto dir = e2e_temp_dir("flow", "bad");
  json cycle = classification_flow({{"type", "ImageFolderDataProvider"}, {"parameters", {{"directory", "/tmp"}}}},
                                   dir / "p.jsonl");
  cycle[0]["inputs"] = {{"frame", "scores"}};
  auto r = run_kenning({"flow", "--cfg", write_flow(dir, cycle).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cycle"), std::string::npos) << r.err;

  json dangling = classification_flow({{"type", "ImageFolderDataProvider"}, {"parameters", {{"directory", "/tmp"}}}},
                                      dir / "p.jsonl");
  dangling[2]["inputs"]["predictions"] = "nothing";
  r = run_kenning({"flow", "--cfg", write_flow(dir, dangling).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'nothing', which no runner writes (dangling input)"), std::string::npos) << r.err;

  const json camera =
      classification_flow({{"type", "CameraDataProvider"}, {"parameters", {{"video_source", "61"}}}}, dir / "p.jsonl");
  r = run_kenning({"flow", "--cfg", write_flow(dir, camera).string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("cannot open video_source '61'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "p.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "p.partial.jsonl"));

  r = run_kenning({"flow", "--cfg", (dir / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 3);
  fs::remove_all(dir);
}

TEST(CliFlow, ModelRuntimeRunnerParametersAreCheckedAgainstItsDeclaration) {
  const auto dir = e2e_temp_dir("flow", "runner-params");
  json flow = classification_flow({{"type", "ImageFolderDataProvider"}, {"parameters", {{"directory", "/tmp"}}}},
                                  dir / "p.jsonl");
  flow[1]["parameters"]["runtme"] = flow[1]["parameters"]["runtime"];
  auto r = run_kenning({"flow", "--cfg", write_flow(dir, flow).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("runner 1 (ModelRuntimeRunner).parameters: unknown parameter 'runtme' for "
                       "ModelRuntimeRunner (did you mean 'runtime'?)"),
            std::string::npos)
      << r.err;

  // The upstream dotted name names the same runner; a block must have a type.
  flow = classification_flow({{"type", "ImageFolderDataProvider"}, {"parameters", {{"directory", "/tmp"}}}},
                             dir / "p.jsonl");
  flow[1]["type"] = "kenning.runners.modelruntime.ModelRuntimeRunner";
  flow[1]["parameters"]["runtime"].erase("type");
  r = run_kenning({"flow", "--cfg", write_flow(dir, flow).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("parameters.runtime: expected scenario block object"), std::string::npos) << r.err;

  flow[1]["parameters"] = {{"runtime", model_block()["runtime"]}};
  r = run_kenning({"flow", "--cfg", write_flow(dir, flow).string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing required parameter 'model_wrapper'"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(CliFlow, UnreadableImagesAreSkippedWithAWarningAndCounted) {
  const auto dir = e2e_temp_dir("flow", "unreadable");
  write_image_folder(load_fashion_samples(4), dir / "images");
  std::ofstream(dir / "images" / "sample_00002b.png") << "not a png";
  const auto flow = write_flow(dir, classification_flow({{"type", "ImageFolderDataProvider"},
                                                         {"parameters", {{"directory", (dir / "images").string()}}}},
                                                        dir / "p.jsonl"));
  const auto r = run_kenning({"flow", "--cfg", flow.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("sample_00002b.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped 1 unreadable input(s)"), std::string::npos) << r.err;
  EXPECT_EQ(read_lines(dir / "p.jsonl").size(), 4u);
  fs::remove_all(dir);
}

TEST(CliFlow, CtrlCStopsCleanlyAndKeepsCompleteFiles) {
  const auto dir = e2e_temp_dir("flow", "sigint");
  write_image_folder(load_fashion_samples(10), dir / "images");
  const auto flow =
      write_flow(dir, classification_flow({{"type", "ImageFolderDataProvider"},
                                           {"parameters", {{"directory", (dir / "images").string()}, {"loop", true}}}},
                                          dir / "p.jsonl"));
  const std::string bin = std::string(KENNING_TEST_BINARY_DIR) + "/bin/kenning";
  const std::string out = (dir / "out").string(), err = (dir / "err").string(), cfg = flow.string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const char* argv[] = {bin.c_str(), "flow", "--cfg", cfg.c_str(), nullptr};
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, bin.c_str(), &actions, nullptr, const_cast<char**>(argv), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  // Wait until it classifies, then interrupt it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read_text(out).find("frame 20:") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  for (int i = 0; i < 200 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (::waitpid(pid, &status, WNOHANG) == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "kenning flow did not stop within 10 s of SIGINT";
  }
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(err);
  EXPECT_NE(read_text(err).find("stopped: interrupted"), std::string::npos) << read_text(err);
  const auto lines = read_lines(dir / "p.jsonl");  // renamed, every line whole JSON
  EXPECT_GE(lines.size(), 21u);
  EXPECT_FALSE(fs::exists(dir / "p.partial.jsonl"));
  fs::remove_all(dir);
}
