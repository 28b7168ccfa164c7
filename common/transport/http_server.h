// Pieces every newsflow HTTP/JSON API shares (the store's query API, the
// ingest feeds API): JSON answers, the optional bearer token, and running a
// cpp-httplib server on its own thread with a resolved port.
#ifndef NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_
#define NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_

#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace newsflow {

// Answers `status` with `body` as UTF-8 JSON (invalid UTF-8 replaced).
void SendJson(httplib::Response& res, int status, const nlohmann::json& body);

// When `token` is not empty, every request but /healthz must carry
// "Authorization: Bearer <token>"; others get 401.
void RequireBearerToken(httplib::Server& server, const std::string& token);

// Owns the listening thread of a configured server. Start() binds (port 0 =
// any free port), starts listening and returns once the server runs, so
// Stop() always takes effect. Stop() is idempotent and also runs at
// destruction. Not thread-safe; call from the owning thread.
class HttpServerThread {
 public:
  explicit HttpServerThread(httplib::Server& server) : server_(server) {}
  ~HttpServerThread() { Stop(); }
  // Returns "http://address:port". kUnavailable when the address cannot be bound.
  absl::StatusOr<std::string> Start(const std::string& address, int port);
  void Stop();

 private:
  httplib::Server& server_;
  std::thread thread_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_TRANSPORT_HTTP_SERVER_H_
