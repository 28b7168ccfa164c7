#include "common/transport/http_server.h"

#include <chrono>

#include <fmt/format.h>

namespace newsflow {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void RequireBearerToken(httplib::Server& server, const std::string& token) {
  if (token.empty()) return;
  server.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    // Health checks (load balancers, kubelets) need no credentials.
    if (req.path == "/healthz") return httplib::Server::HandlerResponse::Unhandled;
    if (req.get_header_value("Authorization") != "Bearer " + token) {
      SendJson(res, 401, {{"error", "missing or wrong bearer token"}});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

absl::StatusOr<std::string> HttpServerThread::Start(const std::string& address, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_.bind_to_any_port(address);
  } else if (!server_.bind_to_port(address, port)) {
    bound = -1;
  }
  if (bound <= 0) return absl::UnavailableError(fmt::format("cannot listen on {}:{}", address, port));
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only takes effect on a running server, so wait until it runs.
  for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return fmt::format("http://{}:{}", address, bound);
}

void HttpServerThread::Stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

}  // namespace newsflow
