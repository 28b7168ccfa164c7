#include "common/runtime/stop_signal.h"

#include <csignal>
#include <ctime>

namespace newsflow {
namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockStopSignals() {
  sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A subscriber piped into `head` must not die of SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::SignalWatcher(std::stop_source target, std::function<void()> on_hangup)
    : target_(std::move(target)), on_hangup_(std::move(on_hangup)) {
  thread_ = std::jthread([this](std::stop_token own) {
    sigset_t set = StopSignals();
    timespec timeout{0, 200 * 1000 * 1000};
    while (!own.stop_requested()) {
      int sig = sigtimedwait(&set, nullptr, &timeout);
      if (sig <= 0) continue;
      last_signal_.store(sig);
      if (sig == SIGHUP && on_hangup_) {
        on_hangup_();
      } else {
        target_.request_stop();
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace newsflow
