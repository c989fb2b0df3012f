// Data providers on real files, a real video and a loopback TCP client.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <asio.hpp>

#include "dataproviders/camera_data_provider.h"
#include "fashion_mnist_frames.h"
#include "dataproviders/image_folder_data_provider.h"
#include "kenning/core/error.h"
#include "kenning/registries.h"
#include "dataproviders/tcp_data_provider.h"

namespace fs = std::filesystem;
using namespace kenning;

namespace {

fs::path temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("kenning-dp-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The pixel (x, y) of a frame tensor, channel 0 (B).
int pixel(const Tensor& frame, int x, int y) {
  return static_cast<int>(frame.data<std::uint8_t>()[(y * frame.shape()[1] + x) * 3]);
}

std::size_t drain(DataProvider& p, std::size_t limit = 100000) {
  std::size_t n = 0;
  while (n < limit && p.fetch_input()) ++n;
  return n;
}

}  // namespace

TEST(ImageFolderDataProvider, ReadsImagesInNameOrderFilteredByExtension) {
  const auto dir = temp_dir("order");
  const FashionSamples s = load_fashion_samples(3);
  write_image_folder(s, dir);
  std::ofstream(dir / "notes.txt") << "not an image";
  ImageFolderDataProvider p({dir, {".PNG"}, false});
  p.prepare();
  ASSERT_EQ(p.files().size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    auto frame = p.fetch_input();
    ASSERT_TRUE(frame.has_value());
    const Tensor& t = frame->at(0);
    EXPECT_EQ(t.shape(), (Shape{28, 28, 3}));
    EXPECT_EQ(pixel(t, 14, 14), s.images[i].at<std::uint8_t>(14, 14)) << "frame " << i;
  }
  EXPECT_FALSE(p.fetch_input().has_value());
  fs::remove_all(dir);
}

TEST(ImageFolderDataProvider, SkipsAndCountsUnreadableImagesAndLoops) {
  const auto dir = temp_dir("bad");
  write_image_folder(load_fashion_samples(2), dir);
  std::ofstream(dir / "sample_00001a.png") << "truncated";
  ImageFolderDataProvider p({dir, {".png"}, true});
  p.prepare();
  EXPECT_EQ(drain(p, 7), 7u);  // loops over the two good images
  EXPECT_EQ(p.skipped(), 1u);  // counted once, not once per pass
  fs::remove_all(dir);
}

TEST(ImageFolderDataProvider, LoopOverOnlyUnreadableImagesIsAnError) {
  const auto dir = temp_dir("allbad");
  std::ofstream(dir / "a.png") << "x";
  ImageFolderDataProvider p({dir, {".png"}, true});
  p.prepare();
  EXPECT_THROW(p.fetch_input(), IoError);
  EXPECT_EQ(p.skipped(), 1u);
  fs::remove_all(dir);
}

TEST(ImageFolderDataProvider, MissingOrEmptyFolderNamesIt) {
  ImageFolderDataProvider missing({"/nonexistent/images", {".png"}, false});
  try {
    missing.prepare();
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/images"), std::string::npos) << e.what();
  }
  const auto dir = temp_dir("empty");
  ImageFolderDataProvider empty({dir, {".png"}, false});
  EXPECT_THROW(empty.prepare(), IoError);
  fs::remove_all(dir);
}

TEST(CameraDataProvider, ReadsEveryFrameOfAVideoFileAtTheRequestedSize) {
  const auto dir = temp_dir("video");
  write_video(load_fashion_samples(12), dir / "v.avi");
  CameraDataProvider p({(dir / "v.avi").string(), 56, 56, 0});
  p.prepare();
  auto first = p.fetch_input();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->at(0).shape(), (Shape{56, 56, 3}));
  EXPECT_EQ(1 + drain(p), 12u);
  p.close();
  p.close();  // twice is fine
  fs::remove_all(dir);
}

TEST(CameraDataProvider, MissingCameraOrFileIsAClearError) {
  CameraDataProvider camera({"63", 0, 0, 0});
  try {
    camera.prepare();
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("'63'"), std::string::npos) << e.what();
  }
  CameraDataProvider file({"/nonexistent/video.avi", 0, 0, 0});
  EXPECT_THROW(file.prepare(), IoError);
  EXPECT_THROW(CameraDataProvider({"0", 640, 0, 0}), ConfigError);
}

namespace {

// Sends frames to `port` as the provider expects them: u32 LE length + bytes.
void send_frames(std::uint16_t port, const std::vector<std::vector<unsigned char>>& frames, bool end_marker) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  for (const auto& f : frames) {
    const std::uint32_t n = static_cast<std::uint32_t>(f.size());
    const unsigned char header[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                                     static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
    asio::write(socket, asio::buffer(header, 4));
    if (!f.empty()) asio::write(socket, asio::buffer(f));
  }
  if (end_marker) {
    const unsigned char zero[4] = {0, 0, 0, 0};
    asio::write(socket, asio::buffer(zero, 4));
  }
}

std::vector<unsigned char> png_of(const cv::Mat& image) {
  std::vector<unsigned char> out;
  cv::imencode(".png", image, out);
  return out;
}

}  // namespace

TEST(TCPDataProvider, ReceivesFramesOverLoopbackAndSkipsUndecodableOnes) {
  const FashionSamples s = load_fashion_samples(3);
  TCPDataProvider p({"127.0.0.1", 0, 1 << 20, 5000});
  p.prepare();
  const std::uint16_t port = p.bound_port();
  ASSERT_NE(port, 0);
  std::thread client([&] {
    send_frames(port, {png_of(s.images[0]), {1, 2, 3, 4}, png_of(s.images[1]), png_of(s.images[2])}, true);
  });
  std::vector<Tensor> frames;
  while (auto f = p.fetch_input()) frames.push_back(std::move(f->at(0)));
  client.join();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(p.skipped(), 1u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(pixel(frames[i], 10, 20), s.images[i].at<std::uint8_t>(20, 10));
  }
  p.close();
}

TEST(TCPDataProvider, OversizedFrameAndSilentClientAreBoundedErrors) {
  TCPDataProvider p({"127.0.0.1", 0, 100, 5000});
  p.prepare();
  std::thread client([port = p.bound_port()] { send_frames(port, {std::vector<unsigned char>(101, 7)}, false); });
  try {
    p.fetch_input();
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("max_frame_bytes"), std::string::npos) << e.what();
  }
  client.join();
  p.close();

  TCPDataProvider nobody({"127.0.0.1", 0, 100, 200});
  nobody.prepare();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(nobody.fetch_input(), IoError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(DataProviderRegistry, ListsTheProviders) {
  const auto& r = registries().data_providers;
  for (const char* name : {"CameraDataProvider", "ImageFolderDataProvider", "TCPDataProvider"}) {
    EXPECT_NE(r.index_of(name), std::string_view::npos) << name;
  }
  EXPECT_THROW(r.create("ImageFolderDataProvider", {{"loop", true}}, "f.json: runner 0"), ConfigError);
}
