// Dead-letter operations of the ingest control interface: list, show,
// re-drive and purge (ControlRequest ops list_dead_letters,
// show_dead_letter, redrive_dead_letter, redrive_all_dead_letters,
// purge_dead_letter, purge_all_dead_letters). The running daemon serves them
// over its ZeroMQ control socket and HTTP feeds API; `newsflow dead-letters`
// runs them on the database directly when no daemon answers.
//
//   v1::ControlResponse response;
//   if (ExecuteDeadLetterControl(db, &outbox, request, &response)) return response;
//
// Thread-safety as IngestDb's and Outbox's.
#ifndef NEWSFLOW_SERVICES_INGEST_DEAD_LETTERS_H_
#define NEWSFLOW_SERVICES_INGEST_DEAD_LETTERS_H_

#include <cstddef>

#include <nlohmann/json.hpp>

#include "newsflow/v1/envelope.pb.h"
#include "services/ingest/ingest_db.h"
#include "services/ingest/outbox.h"

namespace newsflow::ingest {

// Most dead letters one list, re-drive all or purge all handles.
inline constexpr std::size_t kMaxDeadLettersPerRequest = 1000;

// True if `request` is a dead-letter operation; it is then executed and its
// result written to `*response` (ok, or error with the reason; a missing id
// is an error "no dead letter ID"). Re-driven articles go through `outbox`
// when it is given (the running daemon), else only into the database's
// outbox, which the next ingest start resumes.
bool ExecuteDeadLetterControl(IngestDb& db, Outbox* outbox, const v1::ControlRequest& request,
                              v1::ControlResponse* response);

// One dead letter as JSON: id, version, url, title, source, reason,
// attempts, dead_at (RFC 3339); with `text`, also the article text.
nlohmann::json DeadLetterJson(const v1::DeadLetter& dead, bool text);

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_SERVICES_INGEST_DEAD_LETTERS_H_
