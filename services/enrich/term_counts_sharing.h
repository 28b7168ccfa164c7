// TermCountsSharing keeps one enrich worker's document frequencies in step
// with the whole stream's, through the store (see TermCounts in
// proto/newsflow/v1/envelope.proto):
//
//   - at start it asks the store for the stream's table (over the worker's
//     output link; the answer comes on the store's term-counts socket,
//     common/delivery/term_counts.h) and asks
//     again every second until it arrives, for at most 30 s, after which
//     the worker goes on cold;
//   - it reports the worker's own counts every `report_articles` articles
//     or `report_interval_ms` after the first unreported one;
//   - it folds in the other workers' reports, which the store re-publishes.
//
// Reports that went out before the table was taken are in the table, so
// re-published reports received before it are skipped; the worker's own
// reports are skipped by origin.
//
//   TermCountsSharing sharing(origin, config, &enricher.document_frequencies());
//   RETURN_IF_ERROR(sharing.Open(context));
//   // poll sharing.socket() with the input; then
//   sharing.Receive();
//   RETURN_IF_ERROR(sharing.Tick(output, NowMs(), /*articles=*/1));
//
// Thread-compatible: one per worker thread, beside its Enricher.
#ifndef NEWSFLOW_SERVICES_ENRICH_TERM_COUNTS_SHARING_H_
#define NEWSFLOW_SERVICES_ENRICH_TERM_COUNTS_SHARING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "common/config/newsflow_config.h"
#include "common/delivery/envelope_codec.h"
#include "common/util/document_frequencies.h"

namespace newsflow::enrich {

class TermCountsSharing {
 public:
  // `table` must outlive this object.
  TermCountsSharing(std::string origin, const EnrichConfig& config, DocumentFrequencies* table);

  // Connects the SUB socket to the store (enrich.term_counts.stream).
  absl::Status Open(zmq::context_t& context);
  zmq::socket_t& socket() { return *socket_; }

  // Folds in every message waiting on the socket. Malformed messages and
  // ones out of bounds (ValidateTermCounts) are counted, logged rate-limited
  // and skipped.
  void Receive();

  // Accounts `articles` newly enriched articles and sends what is due: the
  // table request while none has come, the worker's report when enough
  // articles or time have gone by. A full output queue defers the message to
  // the next call; other send errors are returned.
  absl::Status Tick(zmq::socket_t& output, int64_t now_ms, int articles);

  // Sends the unreported counts now (at shutdown), if the table has come or
  // the wait for it has ended.
  absl::Status Flush(zmq::socket_t& output);

  bool has_table() const { return table_received_; }
  uint64_t reports_sent() const { return reports_sent_; }
  uint64_t reports_applied() const { return reports_applied_; }
  uint64_t bad_messages() const { return bad_input_.count(); }

 private:
  absl::Status Send(zmq::socket_t& output, std::string payload);
  // Retries the message a full queue refused. False when it is still
  // pending or failed (`*status` then says which), so nothing else goes
  // out ahead of it.
  bool SendPending(zmq::socket_t& output, absl::Status* status);
  absl::Status Report(zmq::socket_t& output);

  std::string origin_;
  EnrichConfig config_;
  DocumentFrequencies* table_;
  std::optional<zmq::socket_t> socket_;
  std::string snapshot_topic_;
  bool table_received_ = false;
  bool gave_up_on_table_ = false;
  int64_t first_request_ms_ = -1;
  int64_t last_request_ms_ = -1;
  int unreported_articles_ = 0;
  int64_t first_unreported_ms_ = -1;
  std::optional<std::string> pending_;  // encoded message a full queue refused
  std::vector<uint64_t> terms_;
  std::vector<double> counts_;
  uint64_t reports_sent_ = 0;
  uint64_t reports_applied_ = 0;
  BadInputReporter bad_input_;  // malformed or out-of-bounds messages
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_TERM_COUNTS_SHARING_H_
