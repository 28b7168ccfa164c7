// A small blocking Server-Sent Events client over one loopback socket, for
// tests and benchmarks of streaming HTTP answers: it sends one GET, reads
// the status and headers, undoes the chunked transfer coding and splits the
// body into events (blank-line terminated; "id:", "event:", "data:" fields,
// ":" comments counted apart). The socket's receive buffer can be made
// small, to play a client that does not read.
#ifndef NEWSFLOW_TESTS_TESTING_SSE_CLIENT_H_
#define NEWSFLOW_TESTS_TESTING_SSE_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace newsflow::testing {

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;  // data lines joined by "\n"
};

class SseClient {
 public:
  SseClient() = default;
  ~SseClient() { Disconnect(); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;
  SseClient(SseClient&& o) noexcept { *this = std::move(o); }
  SseClient& operator=(SseClient&& o) noexcept {
    if (this != &o) {
      Disconnect();
      fd_ = std::exchange(o.fd_, -1);
      status_ = o.status_;
      head_ = std::move(o.head_);
      raw_ = std::move(o.raw_);
      body_ = std::move(o.body_);
      events_ = std::move(o.events_);
      comments_ = o.comments_;
      body_bytes_ = o.body_bytes_;
      eof_ = o.eof_;
      chunk_left_ = o.chunk_left_;
      chunked_ = o.chunked_;
    }
    return *this;
  }

  // Connects to 127.0.0.1:`port` and sends GET `target` with `headers`
  // ("Name: value\r\n" lines). `receive_buffer` > 0 sets SO_RCVBUF first.
  // Returns the status (0 when no answer came within `timeout_ms`).
  int Open(int port, const std::string& target, const std::string& headers = "", int timeout_ms = 5000,
           int receive_buffer = 0) {
    Disconnect();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return 0;
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return 0;
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" + headers + "\r\n";
    if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
      return 0;
    return OpenedHead(timeout_ms) ? status_ : 0;
  }
  // Sends the request without waiting for the answer (OpenedHead() reads it).
  bool Send(int port, const std::string& target) {
    Disconnect();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return false;
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    return send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  }
  // Reads the status line and headers; false on timeout or EOF first.
  bool OpenedHead(int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      std::size_t end = raw_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head_ = raw_.substr(0, end + 2);
        raw_.erase(0, end + 4);
        status_ = head_.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(head_.c_str() + 9) : 0;
        chunked_ = Lower(head_).find("transfer-encoding: chunked") != std::string::npos;
        Decode();
        return true;
      }
      if (!Receive(deadline)) return false;
    }
  }

  int status() const { return status_; }
  const std::string& head() const { return head_; }  // status line and headers
  // Bytes of body received so far (after de-chunking).
  std::size_t body_bytes() const { return body_bytes_; }
  // ":" comment lines received so far (keep-alive pings).
  int comments() const { return comments_; }

  // The next event, or nullopt when none came within `timeout_ms` or the
  // server closed the stream.
  std::optional<SseEvent> Next(int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (events_.empty()) {
      if (!Receive(deadline)) return std::nullopt;
    }
    SseEvent e = std::move(events_.front());
    events_.pop_front();
    return e;
  }
  // Waits until at least `n` comments arrived; false on timeout or EOF.
  bool WaitComments(int n, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (comments_ < n) {
      if (!Receive(deadline)) return false;
    }
    return true;
  }
  // Reads (keeping events) until the server closes; false on timeout.
  bool WaitClosed(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!eof_) {
      if (!Receive(deadline) && !eof_) return false;
    }
    return true;
  }
  bool closed() const { return eof_; }
  // Closes the socket and forgets what was received.
  void Disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    status_ = 0;
    head_.clear();
    raw_.clear();
    body_.clear();
    events_.clear();
    comments_ = 0;
    body_bytes_ = 0;
    eof_ = false;
    chunk_left_ = 0;
    chunked_ = false;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // Reads once (until `deadline`); false on timeout, error or EOF.
  bool Receive(std::chrono::steady_clock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    raw_.append(buf, static_cast<std::size_t>(n));
    if (!head_.empty()) Decode();
    return true;
  }

  // Moves de-chunked bytes from raw_ to body_, then whole events out of it.
  void Decode() {
    if (!chunked_) {
      body_bytes_ += raw_.size();
      body_ += raw_;
      raw_.clear();
    }
    while (chunked_ && !raw_.empty()) {
      if (chunk_left_ == 0) {
        std::size_t eol = raw_.find("\r\n");
        if (eol == std::string::npos) break;
        if (eol == 0) {  // the CRLF after a chunk's data
          raw_.erase(0, 2);
          continue;
        }
        chunk_left_ = std::strtoul(raw_.substr(0, eol).c_str(), nullptr, 16);
        raw_.erase(0, eol + 2);
        if (chunk_left_ == 0) {  // last chunk
          eof_ = true;
          raw_.clear();
          break;
        }
      }
      const std::size_t n = std::min(chunk_left_, raw_.size());
      body_.append(raw_, 0, n);
      body_bytes_ += n;
      raw_.erase(0, n);
      chunk_left_ -= n;
    }
    std::size_t end;
    while ((end = body_.find("\n\n")) != std::string::npos) {
      std::string block = body_.substr(0, end + 1);
      body_.erase(0, end + 2);
      SseEvent e;
      bool any = false;
      std::size_t at = 0;
      while (at < block.size()) {
        std::size_t eol = block.find('\n', at);
        std::string line = block.substr(at, eol - at);
        at = eol + 1;
        if (!line.empty() && line[0] == ':') {
          ++comments_;
          continue;
        }
        std::size_t colon = line.find(':');
        std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "id") {
          e.id = value;
          any = true;
        } else if (field == "event") {
          e.event = value;
          any = true;
        } else if (field == "data") {
          if (!e.data.empty()) e.data += '\n';
          e.data += value;
          any = true;
        }
      }
      if (any) events_.push_back(std::move(e));
    }
  }

  int fd_ = -1;
  int status_ = 0;
  std::string head_;
  std::string raw_;   // received, not yet de-chunked
  std::string body_;  // de-chunked, not yet split into events
  std::deque<SseEvent> events_;
  int comments_ = 0;
  std::size_t body_bytes_ = 0;
  bool eof_ = false;
  std::size_t chunk_left_ = 0;
  bool chunked_ = false;
};

}  // namespace newsflow::testing

#endif  // NEWSFLOW_TESTS_TESTING_SSE_CLIENT_H_
