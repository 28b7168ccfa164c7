// Signal handling without handlers: BlockStopSignals() blocks SIGINT, SIGTERM
// and SIGHUP in the calling thread, before any other thread exists, so every
// thread inherits the mask. A SignalWatcher then waits for them on its own
// thread (sigtimedwait): SIGINT and SIGTERM request stop on a
// std::stop_source; SIGHUP runs the hang-up action when one is given
// (daemons reopen their log file, so logrotate works, and keep running),
// else it requests stop too (a foreground command whose terminal closed).
#ifndef NEWSFLOW_COMMON_RUNTIME_STOP_SIGNAL_H_
#define NEWSFLOW_COMMON_RUNTIME_STOP_SIGNAL_H_

#include <atomic>
#include <functional>
#include <stop_token>
#include <thread>

namespace newsflow {

// REQUIRES: called from main() before any thread is started.
void BlockStopSignals();

class SignalWatcher {
 public:
  explicit SignalWatcher(std::stop_source target, std::function<void()> on_hangup = nullptr);
  ~SignalWatcher();  // stops and joins the watching thread
  int last_signal() const { return last_signal_.load(); }

 private:
  std::stop_source target_;
  std::function<void()> on_hangup_;
  std::atomic<int> last_signal_{0};
  std::jthread thread_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_STOP_SIGNAL_H_
