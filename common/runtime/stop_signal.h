// Signal handling without handlers: BlockStopSignals() blocks SIGINT, SIGTERM
// and SIGHUP in the calling thread, before any other thread exists, so every
// thread inherits the mask. A SignalWatcher then waits for them on its own
// thread (sigtimedwait) and requests stop on a std::stop_source.
#ifndef NEWSFLOW_COMMON_RUNTIME_STOP_SIGNAL_H_
#define NEWSFLOW_COMMON_RUNTIME_STOP_SIGNAL_H_

#include <atomic>
#include <stop_token>
#include <thread>

namespace newsflow {

// REQUIRES: called from main() before any thread is started.
void BlockStopSignals();

class SignalWatcher {
 public:
  explicit SignalWatcher(std::stop_source target);
  ~SignalWatcher();  // stops and joins the watching thread
  int last_signal() const { return last_signal_.load(); }

 private:
  std::stop_source target_;
  std::atomic<int> last_signal_{0};
  std::jthread thread_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_RUNTIME_STOP_SIGNAL_H_
