// `kenning server`: the target side of remote runs. Builds the scenario's
// runtime and protocol blocks (only those), listens, and serves one client
// at a time with InferenceServer; a client's failure never stops the server.
//
//   kenning server --cfg scenarios/server.json [--port 0] [--model-dir DIR]
//   kenning server --protocol-cls NetworkProtocol --runtime-cls ONNXExecRuntime
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "protocols/listener.h"
#include "command_line.h"
#include "commands.h"
#include "server/inference_server.h"
#include "kenning/core/error.h"
#include "kenning/core/logging.h"
#include "kenning/registries.h"
#include "schema_flags.h"

namespace kenning::cli {

namespace {

struct ServerOptions {
  std::filesystem::path model_dir;  // empty: a fresh folder under the system's temp folder
  std::int64_t max_model_size = std::int64_t{256} << 20;
  std::int64_t max_clients = 0;  // 0: serve until killed
  static const ParamSchema<ServerOptions>& schema() {
    static const auto s =
        ParamSchema<ServerOptions>("server", "Options of `kenning server`")
            .field("model_dir", &ServerOptions::model_dir,
                   "Folder for uploaded models (default: a new folder under the temp folder)")
            .field("max_model_size", &ServerOptions::max_model_size, "Largest model accepted, in bytes")
            .range(1, static_cast<double>(std::int64_t{1} << 40))
            .field("max_clients", &ServerOptions::max_clients, "Exit after serving this many clients; 0: never")
            .at_least(0);
    return s;
  }
};

std::unique_ptr<Protocol> build_protocol(const nlohmann::json& scenario, const std::string& where) {
  if (!scenario.contains("protocol")) {
    throw ConfigError(where + ": missing 'protocol' block (give it in the scenario or with --protocol-cls)");
  }
  const auto& block = scenario["protocol"];
  return registries().protocols.create(block.at("type").get<std::string>(),
                                       block.value("parameters", nlohmann::json::object()), where + ": protocol");
}

std::unique_ptr<Runtime> build_runtime(const nlohmann::json& scenario, const std::string& where) {
  if (!scenario.contains("runtime")) {
    throw ConfigError(where + ": missing 'runtime' block (give it in the scenario or with --runtime-cls)");
  }
  const auto& block = scenario["runtime"];
  return registries().runtimes.create(block.at("type").get<std::string>(),
                                      block.value("parameters", nlohmann::json::object()), where + ": runtime");
}

}  // namespace

int run_server(const std::vector<std::string>& args, const std::string& command_text) {
  SchemaFlags<ServerOptions> server_flags(ServerOptions::schema());
  ScenarioCommand cmd =
      parse_scenario_command({"server"}, args, command_text, [&](CLI::App& app) { server_flags.add_to(app); });
  if (cmd.help_shown) return 0;
  ServerOptions options = server_flags.values();
  if (!cmd.verbosity.empty()) set_log_level(cmd.verbosity);

  auto protocol = build_protocol(cmd.scenario, cmd.where);
  auto runtime = build_runtime(cmd.scenario, cmd.where);
  // The target side of the same block.
  auto listener = protocol::make_listener(*protocol);
  // Listen first: a refused address leaves no model folder behind.
  listener->listen();
  const bool own_model_dir = options.model_dir.empty();
  if (own_model_dir) {
    options.model_dir = std::filesystem::temp_directory_path() / ("kenning-server-" + std::to_string(::getpid()));
  }
  std::error_code ec;
  std::filesystem::create_directories(options.model_dir, ec);
  if (ec) throw IoError("--model-dir " + options.model_dir.string() + ": cannot create: " + ec.message());

  // Target-side optimizers: any registered class the client names.
  const OptimizerFactory make_optimizer = [](const nlohmann::json& block, const std::string& where) {
    return registries().optimizers.create(block.at("type").get<std::string>(),
                                          block.value("parameters", nlohmann::json::object()), where);
  };
  ServerLimits limits;
  limits.max_model_size = static_cast<std::size_t>(options.max_model_size);
  std::cout << "kenning server: listening on " << listener->endpoint() << " (" << protocol->type_name() << ", "
            << runtime->type_name() << ")" << std::endl;

  for (std::int64_t served = 0; options.max_clients == 0 || served < options.max_clients; ++served) {
    std::unique_ptr<protocol::Connection> client;
    try {
      client = listener->accept();
    } catch (const ProtocolError& e) {
      spdlog::warn("{}", e.what());
      continue;
    }
    // The protocol's timeout bounds every wait, including a client's silence.
    limits.idle_timeout = client->channel().options().timeout;
    const std::string peer = client->transport().peer();
    spdlog::info("client {} connected", peer);
    InferenceServer server(*runtime, options.model_dir, limits, listener->access_token(), make_optimizer);
    const SessionSummary s = server.serve(client->channel());
    if (s.clean)
      spdlog::info("client {} left after {} inferences ({})", peer, s.inferences, s.end_reason);
    else
      spdlog::warn("client {} dropped after {} inferences: {}", peer, s.inferences, s.end_reason);
  }
  if (own_model_dir) std::filesystem::remove_all(options.model_dir, ec);
  return 0;
}

}  // namespace kenning::cli
