#include "common/runtime/service_group.h"

#include <cstdlib>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

namespace newsflow {
namespace {

struct Slot {
  std::stop_source stop;
  std::jthread thread;
  bool ready = false;     // GUARDED_BY(mu)
  bool finished = false;  // GUARDED_BY(mu)
  absl::Status status;    // GUARDED_BY(mu)
};

constexpr std::chrono::milliseconds kShutdownGrace(2000);

}  // namespace

absl::Status RunServiceGroup(std::vector<std::unique_ptr<Service>> services, zmq::context_t& context,
                             std::stop_token stop, std::chrono::milliseconds drain_deadline,
                             const ReadyFn& on_ready, const std::shared_ptr<spdlog::logger>& logger) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Slot> slots(services.size());
  EndpointMap all_endpoints;
  bool failed = false;  // GUARDED_BY(mu)
  std::stop_callback wake_on_stop(stop, [&] {
    std::lock_guard lock(mu);
    cv.notify_all();
  });

  auto any_failed_or_stopped = [&] { return failed || stop.stop_requested(); };

  for (std::size_t i = 0; i < services.size(); ++i) {
    Service* service = services[i].get();
    Slot& slot = slots[i];
    slot.thread = std::jthread([&, service] {
      absl::Status s = service->Run(slot.stop.get_token(), [&](const EndpointMap& endpoints) {
        std::lock_guard lock(mu);
        all_endpoints.insert(endpoints.begin(), endpoints.end());
        slot.ready = true;
        cv.notify_all();
      });
      std::lock_guard lock(mu);
      slot.finished = true;
      slot.status = s;
      if (!s.ok()) failed = true;
      cv.notify_all();
    });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return slot.ready || slot.finished || any_failed_or_stopped(); });
    if (!slot.ready) break;
  }

  {
    std::unique_lock lock(mu);
    bool all_ready = true;
    for (const Slot& s : slots) all_ready = all_ready && s.ready;
    if (all_ready && !any_failed_or_stopped()) {
      lock.unlock();
      if (on_ready) on_ready(all_endpoints);
      lock.lock();
    }
    cv.wait(lock, any_failed_or_stopped);
  }

  // Ordered drain: last started (the most upstream) first.
  auto deadline = std::chrono::steady_clock::now() + drain_deadline;
  bool context_shut_down = false;
  for (std::size_t i = slots.size(); i-- > 0;) {
    Slot& slot = slots[i];
    if (!slot.thread.joinable()) continue;
    logger->info("draining service={}", services[i]->name());
    slot.stop.request_stop();
    std::unique_lock lock(mu);
    if (!cv.wait_until(lock, deadline, [&] { return slot.finished; }) && !context_shut_down) {
      logger->warn("drain deadline passed; shutting down sockets");
      context_shut_down = true;
      lock.unlock();
      for (Slot& s : slots) s.stop.request_stop();
      context.shutdown();
      lock.lock();
    }
    if (context_shut_down && !cv.wait_until(lock, deadline + kShutdownGrace, [&] { return slot.finished; })) {
      // Blocked outside ZeroMQ (a transfer, a disk): the deadline is a
      // promise to the supervisor, and everything accepted is durable, so
      // end the process as a kill would.
      logger->error("drain deadline exceeded: service={} still running; exiting", services[i]->name());
      logger->flush();
      std::_Exit(kDrainDeadlineExitCode);
    }
    lock.unlock();
    slot.thread.join();
  }

  absl::Status first;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const absl::Status& s = slots[i].status;
    if (!s.ok() && !absl::IsCancelled(s) && first.ok()) {
      first = absl::Status(s.code(), fmt::format("{}: {}", services[i]->name(), std::string(s.message())));
    }
  }
  return first;
}

}  // namespace newsflow
