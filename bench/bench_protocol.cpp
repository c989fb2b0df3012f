// What the host/target protocol costs, apart from inference: a server
// session with an echo runtime in a thread, the client in this one.
//
//  * TCP loopback: per payload size, the median of (round trip - the
//    target's own time) over many requests, and for large payloads the
//    rate at which tensors cross (input and output).
//  * Serial: two pseudo-terminal pairs joined by a relay that paces bytes
//    at the baud rate (10 bits per byte, 8N1), so the line is as slow as a
//    real one; each round trip is compared with the wire time of the bytes
//    it moved.
//
//   build/bin/bench_protocol [--requests N] [--baudrate B] [--packet-size BYTES]
#include <unistd.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "echo_runtime.h"
#include "server/inference_server.h"
#include "protocols/network_listener.h"
#include "protocols/network_protocol.h"
#include "pty_link.h"
#include "protocols/uart_listener.h"
#include "protocols/uart_protocol.h"

using namespace kenning;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100 * v.size()))];
}

IOSpec bytes_spec(std::size_t n) {
  IOSpec spec;
  TensorSpec t;
  t.name = "x";
  t.dtype = DType::UInt8;
  t.shape = {1, static_cast<std::int64_t>(n)};
  spec.input.push_back(t);
  spec.output.push_back(t);
  return spec;
}

struct Overhead {
  std::vector<double> round_trip, overhead;
  double cpu_per_request = 0;  // both sides, user + system
};

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

// `requests` echo requests of `size` bytes; per request the round trip and
// the round trip less the target's own time.
Overhead measure(Protocol& client, std::size_t size, std::size_t requests, const std::filesystem::path& model) {
  client.upload_io_specification(bytes_spec(size));
  client.upload_model(model);
  std::vector<std::byte> data(size, std::byte{0x5A});
  for (int i = 0; i < 5; ++i) client.infer(data);  // warm-up
  Overhead o;
  const double cpu_start = process_cpu_seconds();
  for (std::size_t i = 0; i < requests; ++i) {
    const auto t0 = Clock::now();
    const auto out = client.infer(data);
    o.round_trip.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (out.size() != size) throw std::runtime_error("echo returned the wrong size");
  }
  o.cpu_per_request = (process_cpu_seconds() - cpu_start) / static_cast<double>(requests);
  const auto stats = client.download_statistics(false);
  const auto& target = stats.at("target_inference_step");
  for (std::size_t i = 0; i < requests; ++i) {
    o.overhead.push_back(o.round_trip[i] - target[target.size() - requests + i].get<double>());
  }
  return o;
}

std::filesystem::path dummy_model(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto model = dir / "echo.onnx";
  std::ofstream(model) << "echo";
  return model;
}

void bench_tcp(std::size_t requests, std::int64_t packet_size, const std::filesystem::path& dir) {
  NetworkProtocol::Params params;
  params.port = 0;
  params.packet_size = packet_size;
  protocol::NetworkListener server_side(params);
  server_side.listen();
  params.port = std::stoi(server_side.endpoint().substr(server_side.endpoint().rfind(':') + 1));
  testing::EchoRuntime runtime;
  std::thread target([&] {
    auto connection = server_side.accept();
    InferenceServer(runtime, dir, ServerLimits{}, "").serve(connection->channel());
  });
  NetworkProtocol client(params);
  client.initialize_client();
  const auto model = dummy_model(dir);
  fmt::print("TCP loopback ({} requests per size, packet_size {})\n", requests, params.packet_size);
  fmt::print("{:>10}  {:>16}  {:>16}  {:>16}  {:>12}  {:>14}\n", "payload", "round trip p50", "overhead p50",
             "overhead p90", "tensor rate", "CPU/request");
  for (std::size_t size : {64u, 1024u, 4096u, 65536u, 1u << 20}) {
    const auto o =
        measure(client, size, size >= (1u << 20) ? std::max<std::size_t>(requests / 20, 20) : requests, model);
    const double oh = median(o.overhead);
    // Input and output both cross the link.
    const double rate = 2.0 * static_cast<double>(size) / oh / 1e6;
    fmt::print("{:>8} B  {:>13.1f} us  {:>13.1f} us  {:>13.1f} us  {:>7.0f} MB/s  {:>11.1f} us\n", size,
               median(o.round_trip) * 1e6, oh * 1e6, percentile(o.overhead, 90) * 1e6, rate, o.cpu_per_request * 1e6);
  }
  client.disconnect();
  target.join();
}

void bench_serial(std::size_t requests, std::int64_t baudrate, const std::filesystem::path& dir) {
  std::unique_ptr<testing::PtyLink> link;
  try {
    link = std::make_unique<testing::PtyLink>(baudrate);
  } catch (const std::exception& e) {
    fmt::print("serial: {}, skipped\n", e.what());
    return;
  }
  UARTProtocol::Params p;
  p.baudrate = baudrate;
  p.port = link->end_a();
  protocol::UARTListener server_side(p);
  server_side.listen();
  testing::EchoRuntime runtime;
  std::thread target([&] {
    auto connection = server_side.accept();
    InferenceServer(runtime, dir, ServerLimits{}, "").serve(connection->channel());
  });
  p.port = link->end_b();
  UARTProtocol client(p);
  client.initialize_client();
  const auto model = dummy_model(dir);
  fmt::print("\nserial over a paced pseudo-terminal pair ({} baud, 8N1, packet_size {}, {} requests per size)\n",
             baudrate, p.packet_size, requests);
  fmt::print("{:>10}  {:>12}  {:>16}  {:>16}  {:>8}\n", "payload", "bytes moved", "wire time", "round trip p50",
             "ratio");
  for (std::size_t size : {16u, 256u, 4096u}) {
    client.upload_io_specification(bytes_spec(size));
    client.upload_model(model);
    std::vector<std::byte> data(size, std::byte{0x5A});
    client.infer(data);
    std::vector<double> ratios, trips;
    std::size_t moved = 0;
    double wire = 0;
    for (std::size_t i = 0; i < requests; ++i) {
      // The acknowledgements of the last exchange leave after it: let them pass.
      std::this_thread::sleep_for(std::chrono::milliseconds(5) +
                                  std::chrono::microseconds(50 * 10 * 1000000 / baudrate));
      const std::size_t before = link->bytes_from_a() + link->bytes_from_b();
      const auto t0 = Clock::now();
      client.infer(data);
      const double trip = std::chrono::duration<double>(Clock::now() - t0).count();
      moved = link->bytes_from_a() + link->bytes_from_b() - before;
      wire = static_cast<double>(moved) * 10 / static_cast<double>(baudrate);
      trips.push_back(trip);
      ratios.push_back(trip / wire);
    }
    fmt::print("{:>8} B  {:>12}  {:>13.2f} ms  {:>13.2f} ms  {:>8.3f}\n", size, moved, wire * 1e3, median(trips) * 1e3,
               median(ratios));
  }
  client.disconnect();
  target.join();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t requests = 2000;
  std::int64_t baudrate = 115200;
  std::int64_t packet_size = 4096;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--requests") requests = std::stoul(argv[i + 1]);
    if (std::string(argv[i]) == "--baudrate") baudrate = std::stoll(argv[i + 1]);
    if (std::string(argv[i]) == "--packet-size") packet_size = std::stoll(argv[i + 1]);
  }
  spdlog::set_level(spdlog::level::warn);
  const auto dir = std::filesystem::temp_directory_path() / ("bench-protocol-" + std::to_string(::getpid()));
  try {
    bench_tcp(requests, packet_size, dir / "tcp");
    bench_serial(std::max<std::size_t>(requests / 200, 5), baudrate, dir / "serial");
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_protocol: {}\n", e.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
