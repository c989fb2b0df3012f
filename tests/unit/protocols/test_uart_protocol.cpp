// UARTProtocol over a pseudo-terminal pair: the client opens the slave side
// as a serial port; a server session runs on the master side.
#include <pty.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>

#include <gtest/gtest.h>

#include "protocols/channel.h"
#include "echo_runtime.h"
#include "server/inference_server.h"
#include "kenning/core/error.h"
#include "protocols/listener.h"
#include "protocols/serial_transport.h"
#include "test_support.h"
#include "protocols/network_protocol.h"
#include "protocols/uart_protocol.h"

using namespace kenning;
using namespace std::chrono_literals;

namespace {

using kenning::testing::EchoRuntime;

}  // namespace

TEST(UARTProtocol, RunsASessionOverAPseudoTerminal) {
  int master = -1, slave = -1;
  char name[256] = {};
  ASSERT_EQ(::openpty(&master, &slave, name, nullptr, nullptr), 0);
  auto target_line = protocol::SerialTransport::adopt(master, "pty master");

  EchoRuntime runtime;
  const auto dir = std::filesystem::temp_directory_path() / ("kenning-uart-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto target = std::async(std::launch::async, [&] {
    protocol::ChannelOptions o;
    o.packet_size = 64;
    o.timeout = 5000ms;
    protocol::Channel channel(*target_line, o);
    ServerLimits limits;
    limits.idle_timeout = 1000ms;  // the line never closes: the session ends on silence
    return InferenceServer(runtime, dir, limits, "").serve(channel);
  });

  UARTProtocol::Params p;
  p.port = name;
  p.baudrate = 115200;
  p.packet_size = 64;
  p.timeout = 5;
  UARTProtocol uart(p);
  uart.initialize_client();
  IOSpec spec;
  TensorSpec t;
  t.name = "x";
  t.shape = {-1, 3};
  spec.input.push_back(t);
  spec.output.push_back(t);
  uart.upload_io_specification(spec);
  const auto model = dir / "m.onnx";
  std::ofstream(model) << std::string(500, 'm');  // several 64-byte frames
  uart.upload_model(model);
  const float in[3] = {1.5f, -2, 3};
  uart.upload_input({reinterpret_cast<const std::byte*>(in), sizeof in});
  uart.request_processing();
  const auto out = uart.download_output();
  ASSERT_EQ(out.size(), sizeof in);
  EXPECT_EQ(std::memcmp(out.data(), in, sizeof in), 0);
  EXPECT_EQ(uart.download_statistics(true).at("target_inference_step").size(), 1u);
  uart.disconnect();
  ::close(slave);
  const auto summary = target.get();
  EXPECT_EQ(summary.inferences, 1u);
  EXPECT_EQ(summary.end_reason, "client said goodbye") << "upstream's closing PING + FAIL, answered";
  std::filesystem::remove_all(dir);
}

TEST(UARTProtocol, NamesAMissingPortOnEitherSide) {
  UARTProtocol::Params p;
  p.port = "/dev/no-such-serial-port";
  UARTProtocol uart(p);
  EXPECT_HAS(kenning::testing::error_of<ProtocolError>([&] { protocol::make_listener(uart)->listen(); }),
             "/dev/no-such-serial-port");
  try {
    uart.initialize_client();
    FAIL() << "opened a port that does not exist";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/no-such-serial-port"), std::string::npos) << e.what();
  }
}

// Built from C++, the protocols hold their parameters to the same declaration
// as a scenario block.
TEST(UARTProtocol, ConstructorChecksTheDeclaration) {
  UARTProtocol::Params p;
  p.port = "/dev/ttyUSB0";
  p.baudrate = 0;
  EXPECT_HAS(kenning::testing::error_of<ConfigError>([&] { UARTProtocol uart(p); }), "UARTProtocol.baudrate: expected");
  p.baudrate = 115200;
  p.port.clear();
  EXPECT_HAS(kenning::testing::error_of<ConfigError>([&] { UARTProtocol uart(p); }), "port");
  NetworkProtocol::Params n;
  n.packet_size = 8;
  EXPECT_HAS(kenning::testing::error_of<ConfigError>([&] { NetworkProtocol network(n); }),
             "NetworkProtocol.packet_size: expected");
}
