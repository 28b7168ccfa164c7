#include "common/transport/zap_authenticator.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "common/transport/zmq_socket.h"

namespace newsflow {
namespace {

// Where libzmq sends a context's ZAP requests (RFC 27).
constexpr char kZapEndpoint[] = "inproc://zeromq.zap.01";
constexpr size_t kCurveKeyBytes = 32;

// The allow-lists of one context: binary public keys by ZAP domain. Shared
// by the registry and the context's handler thread.
struct AllowLists {
  std::mutex mu;
  std::map<std::string, std::set<std::string>, std::less<>> keys_by_domain;
};

// Handler state by context handle.
std::mutex& RegistryMutex() {
  static auto* const mu = new std::mutex;
  return *mu;
}
std::map<void*, std::shared_ptr<AllowLists>>& Registry() {
  static auto* const registry = new std::map<void*, std::shared_ptr<AllowLists>>;
  return *registry;
}

std::string Z85(std::string_view key) {
  if (key.size() != kCurveKeyBytes) return "(malformed key)";
  char text[41];
  if (zmq_z85_encode(text, reinterpret_cast<const uint8_t*>(key.data()), key.size()) == nullptr) {
    return "(malformed key)";
  }
  return text;
}

// Answers one request: 200 for a domain without a list or a listed CURVE
// key, 400 otherwise. Frames: version, request id, domain, address,
// identity, mechanism, credentials.
std::pair<std::string_view, std::string_view> Decide(const std::vector<zmq::message_t>& request,
                                                     AllowLists& lists) {
  if (request.size() < 6 || request[0].to_string_view() != "1.0") {
    return {"400", "malformed ZAP request"};
  }
  const std::string_view domain = request[2].to_string_view();
  std::lock_guard lock(lists.mu);
  auto it = lists.keys_by_domain.find(domain);
  if (it == lists.keys_by_domain.end()) return {"200", "OK"};
  const bool curve = request[5].to_string_view() == "CURVE" && request.size() >= 7;
  if (curve && it->second.contains(request[6].to_string())) return {"200", "OK"};
  // Anyone who knows a server's public key can knock: the first refusals
  // are logged, then one in a thousand.
  static std::atomic<uint64_t> refusals{0};
  const uint64_t n = refusals.fetch_add(1, std::memory_order_relaxed);
  if (n < 10 || n % 1000 == 0) {
    spdlog::warn("zap: refused {} client {} on {}: key not in curve_allowed_clients ({} refused)",
                 request[5].to_string_view(), curve ? Z85(request[6].to_string_view()) : "-",
                 request[3].to_string_view(), n + 1);
  }
  return {"400", "client key not allowed"};
}

// Serves until the context ends. libzmq admits every CURVE client while no
// handler is bound (and this libzmq has no stable option to refuse instead),
// so the loop must not end before the context does: errors other than the
// context's end are logged and the next request served.
void Serve(zmq::socket_t socket, void* context_handle, const std::shared_ptr<AllowLists>& lists) {
  for (;;) {
    try {
      std::vector<zmq::message_t> request;
      if (!zmq::recv_multipart(socket, std::back_inserter(request))) continue;
      std::pair<std::string_view, std::string_view> answer = {"400", "refused"};
      try {
        answer = Decide(request, *lists);
      } catch (const std::exception& e) {
        spdlog::error("zap: request refused after an error: {}", e.what());
      }
      const std::string request_id = request.size() > 1 ? request[1].to_string() : "";
      const std::array<zmq::const_buffer, 6> reply = {
          zmq::str_buffer("1.0"),     zmq::buffer(request_id), zmq::buffer(answer.first),
          zmq::buffer(answer.second), zmq::str_buffer(""),     zmq::str_buffer(""),
      };
      zmq::send_multipart(socket, reply);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      spdlog::error("zap: {}", e.what());
    } catch (const std::exception& e) {
      spdlog::error("zap: {}", e.what());
    }
  }
  // Unregistered before the socket closes: closing it is what lets the
  // context finish terminating, after which a new context may reuse its
  // address.
  {
    std::lock_guard lock(RegistryMutex());
    auto it = Registry().find(context_handle);
    if (it != Registry().end() && it->second == lists) Registry().erase(it);
  }
  socket.close();
}

}  // namespace

absl::Status RegisterCurveAllowList(zmq::context_t& context, const std::string& domain,
                                    const std::vector<std::string>& z85_public_keys) {
  if (z85_public_keys.empty()) {
    return absl::InvalidArgumentError("zap: an allow-list needs at least one key");
  }
  std::set<std::string> keys;
  for (const std::string& z85 : z85_public_keys) {
    std::string key(kCurveKeyBytes, '\0');
    if (z85.size() != 40 || zmq_z85_decode(reinterpret_cast<uint8_t*>(key.data()), z85.c_str()) == nullptr) {
      return absl::InvalidArgumentError(fmt::format("zap: \"{}\" is not a 40-character Z85 public key", z85));
    }
    keys.insert(std::move(key));
  }
  void* const handle = context.handle();
  std::lock_guard lock(RegistryMutex());
  std::shared_ptr<AllowLists>& lists = Registry()[handle];
  if (lists == nullptr) {
    // Bound here, before any server socket that relies on it, and only then
    // handed to the thread (thread creation orders the two).
    try {
      zmq::socket_t socket(context, zmq::socket_type::rep);
      socket.set(zmq::sockopt::linger, 0);
      socket.bind(kZapEndpoint);
      auto fresh = std::make_shared<AllowLists>();
      std::thread(Serve, std::move(socket), handle, fresh).detach();
      lists = std::move(fresh);
    } catch (const zmq::error_t& e) {
      Registry().erase(handle);
      if (e.num() == EADDRINUSE) {
        return absl::UnavailableError("zap: another ZAP handler serves this context");
      }
      return FromZmqError(e, "zap: start handler");
    } catch (const std::system_error& e) {
      Registry().erase(handle);
      return absl::ResourceExhaustedError(fmt::format("zap: cannot start handler thread: {}", e.what()));
    }
  }
  std::lock_guard lists_lock(lists->mu);
  lists->keys_by_domain[domain] = std::move(keys);
  return absl::OkStatus();
}

}  // namespace newsflow
