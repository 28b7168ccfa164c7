#include "services/ingest/dead_letters.h"

#include <string>

#include <fmt/format.h>

#include "common/util/time.h"

namespace newsflow::ingest {
namespace {

void Fail(const absl::Status& status, v1::ControlResponse* response) {
  response->set_ok(false);
  response->set_error(std::string(status.message()));
}

absl::Status NoSuch(const std::string& id) {
  return absl::NotFoundError(fmt::format("no dead letter {}", id));
}

absl::StatusOr<bool> RedriveOne(IngestDb& db, Outbox* outbox, const std::string& id) {
  if (outbox != nullptr) return outbox->Redrive(id);
  auto dead = db.GetDeadLetter(id);
  if (!dead.ok()) return dead.status();
  if (!dead->has_value()) return false;
  auto redriven = db.Redrive(id);
  if (!redriven.ok()) return redriven.status();
  return true;
}

}  // namespace

nlohmann::json DeadLetterJson(const v1::DeadLetter& dead, bool text) {
  const v1::Article& a = dead.envelope().article();
  nlohmann::json out = {{"id", a.id()},
                        {"version", a.version()},
                        {"url", a.canonical_url().empty() ? a.url() : a.canonical_url()},
                        {"title", a.title()},
                        {"source", a.source().id()},
                        {"text_bytes", a.text().size()},
                        {"reason", dead.reason()},
                        {"attempts", dead.attempts()},
                        {"dead_at", dead.dead_at_ms() > 0 ? FormatRfc3339Utc(dead.dead_at_ms()) : ""}};
  if (text) out["text"] = a.text();
  return out;
}

bool ExecuteDeadLetterControl(IngestDb& db, Outbox* outbox, const v1::ControlRequest& request,
                              v1::ControlResponse* response) {
  response->set_ok(true);
  switch (request.op_case()) {
    case v1::ControlRequest::kListDeadLetters: {
      auto dead = db.ListDeadLetters(kMaxDeadLettersPerRequest);
      if (!dead.ok()) {
        Fail(dead.status(), response);
        break;
      }
      for (auto& d : *dead) {
        *response->add_dead_letters() = d.envelope().article();
        // Listing leaves the (possibly huge) text out; `show` has it.
        v1::DeadLetter* entry = response->add_dead_letter_entries();
        *entry = std::move(d);
        entry->mutable_envelope()->mutable_article()->clear_text();
      }
      break;
    }
    case v1::ControlRequest::kShowDeadLetter: {
      auto dead = db.GetDeadLetter(request.show_dead_letter());
      if (!dead.ok()) {
        Fail(dead.status(), response);
      } else if (!dead->has_value()) {
        Fail(NoSuch(request.show_dead_letter()), response);
      } else {
        *response->add_dead_letters() = (*dead)->envelope().article();
        *response->add_dead_letter_entries() = **std::move(dead);
      }
      break;
    }
    case v1::ControlRequest::kRedriveDeadLetter: {
      auto redriven = RedriveOne(db, outbox, request.redrive_dead_letter());
      if (!redriven.ok()) {
        Fail(redriven.status(), response);
      } else if (!*redriven) {
        Fail(NoSuch(request.redrive_dead_letter()), response);
      } else {
        response->set_affected(1);
      }
      break;
    }
    case v1::ControlRequest::kPurgeDeadLetter: {
      auto purged = db.PurgeDeadLetter(request.purge_dead_letter());
      if (!purged.ok()) {
        Fail(purged.status(), response);
      } else if (!*purged) {
        Fail(NoSuch(request.purge_dead_letter()), response);
      } else {
        response->set_affected(1);
      }
      break;
    }
    case v1::ControlRequest::kRedriveAllDeadLetters:
    case v1::ControlRequest::kPurgeAllDeadLetters: {
      const bool redrive = request.op_case() == v1::ControlRequest::kRedriveAllDeadLetters;
      auto ids = db.ListDeadLetterIds(kMaxDeadLettersPerRequest);
      if (!ids.ok()) {
        Fail(ids.status(), response);
        break;
      }
      uint32_t affected = 0;
      for (const std::string& id : *ids) {
        absl::StatusOr<bool> done = redrive ? RedriveOne(db, outbox, id) : db.PurgeDeadLetter(id);
        if (!done.ok()) {
          Fail(done.status(), response);
          break;
        }
        affected += *done ? 1 : 0;
      }
      response->set_affected(affected);
      break;
    }
    default:
      return false;
  }
  return true;
}

}  // namespace newsflow::ingest
