#include "common/util/counters.h"

#include <functional>

namespace newsflow {
namespace {

// Returns the slot `cell` holds, first installing a new one for `name` if
// the cell is empty.
template <typename Slot>
Slot* Claim(std::atomic<Slot*>& cell, std::string_view name) {
  Slot* slot = cell.load(std::memory_order_acquire);
  if (slot != nullptr) return slot;
  Slot* fresh = new Slot(name);
  if (cell.compare_exchange_strong(slot, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) {
    return fresh;
  }
  delete fresh;  // another thread filled the cell first; `slot` is its entry
  return slot;
}

}  // namespace

Counters::~Counters() {
  for (std::atomic<Slot*>& cell : slots_) delete cell.load(std::memory_order_relaxed);
  delete overflow_.load(std::memory_order_relaxed);
}

metrics::Counter& Counters::Get(std::string_view name) {
  const size_t start = std::hash<std::string_view>{}(name);
  for (size_t i = 0; i < kCapacity; ++i) {
    Slot* slot = Claim(slots_[(start + i) & (kCapacity - 1)], name);
    if (slot->name == name) return slot->counter;
  }
  return Claim(overflow_, kOverflowName)->counter;
}

std::map<std::string, uint64_t> Counters::Snapshot() const {
  std::map<std::string, uint64_t> out;
  for (const std::atomic<Slot*>& cell : slots_) {
    if (const Slot* slot = cell.load(std::memory_order_acquire)) out[slot->name] = slot->counter.value();
  }
  if (const Slot* slot = overflow_.load(std::memory_order_acquire)) {
    out[slot->name] += slot->counter.value();
  }
  return out;
}

}  // namespace newsflow
