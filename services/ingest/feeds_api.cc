#include "services/ingest/feeds_api.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "common/util/time.h"
#include "services/ingest/dead_letters.h"
#include "services/ingest/opml.h"

namespace newsflow::ingest {
namespace {

nlohmann::json FeedObject(const v1::FeedSpec& f) {
  return {{"url", f.url()},
          {"title", f.title()},
          {"enabled", f.enabled()},
          {"disabled_reason", f.disabled_reason()},
          {"interval_s", f.interval_s()},
          {"adaptive_interval_s", f.adaptive_interval_s()},
          {"last_fetch", FormatRfc3339Utc(f.last_fetch_ms())},
          {"next_fetch", FormatRfc3339Utc(f.next_fetch_ms())},
          {"failures", f.consecutive_failures()},
          {"last_error", f.last_error()},
          {"articles", f.articles_seen()}};
}

// Runs `request`; on failure returns the answer with `error_status`.
std::optional<HttpResponse> Run(const ControlFn& control, const v1::ControlRequest& request,
                                v1::ControlResponse* out, int error_status = 400) {
  *out = control(request);
  if (!out->ok()) return HttpResponse::Error(error_status, out->error());
  return std::nullopt;
}

// Status of a failed dead-letter request: 404 for an unknown id.
int DeadLetterErrorStatus(const v1::ControlResponse& r) {
  return r.error().starts_with("no dead letter ") ? 404 : 500;
}

// POST /v1/dead-letters/{redrive,purge}: {"id": ID} or {"all": true}.
HttpResponse DeadLetterAction(const ControlFn& control, bool redrive, const HttpRequest& req) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  const bool has_id =
      !body.is_discarded() && body.is_object() && body.contains("id") && body["id"].is_string();
  const bool all = !body.is_discarded() && body.is_object() && body.contains("all") &&
                   body["all"].is_boolean() && body["all"].get<bool>();
  if (has_id == all) {
    return HttpResponse::Error(400, "expected a JSON object with an \"id\" string or \"all\": true");
  }
  v1::ControlRequest request;
  if (redrive) {
    all ? request.set_redrive_all_dead_letters(true)
        : request.set_redrive_dead_letter(body["id"].get<std::string>());
  } else {
    all ? request.set_purge_all_dead_letters(true)
        : request.set_purge_dead_letter(body["id"].get<std::string>());
  }
  v1::ControlResponse r = control(request);
  if (!r.ok()) return HttpResponse::Error(DeadLetterErrorStatus(r), r.error());
  return HttpResponse::Json(200, {{redrive ? "redriven" : "purged", r.affected()}});
}

// The JSON object body of a request with a "url" string, or nullopt.
std::optional<nlohmann::json> UrlBody(const HttpRequest& req) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("url") || !body["url"].is_string()) {
    return std::nullopt;
  }
  return body;
}

constexpr char kUrlBodyError[] = "expected a JSON object with a \"url\" string";

// The add_feed request of a POST /v1/feeds body (a "url" string checked by
// UrlBody, optional "interval_s" and "full_text"); InvalidArgument with the
// reason for a bad field.
absl::StatusOr<v1::ControlRequest> AddFeedRequest(const nlohmann::json& body) {
  v1::ControlRequest request;
  v1::FeedSpec* feed = request.mutable_add_feed();
  feed->set_url(body["url"].get<std::string>());
  if (body.contains("interval_s")) {
    const auto& interval = body["interval_s"];
    if (!interval.is_number_integer() || (!interval.is_number_unsigned() && interval.get<int64_t>() < 0)) {
      return absl::InvalidArgumentError("interval_s must be a non-negative integer");
    }
    // Larger values are bounded to ingest.poll.max_interval_s when the feed is admitted.
    uint64_t seconds = interval.is_number_unsigned() ? interval.get<uint64_t>()
                                                     : static_cast<uint64_t>(interval.get<int64_t>());
    feed->set_interval_s(
        static_cast<int32_t>(std::min<uint64_t>(seconds, std::numeric_limits<int32_t>::max())));
  }
  if (body.contains("full_text")) {
    const auto& ft = body["full_text"];
    if (!ft.is_string() || (ft != "auto" && ft != "always" && ft != "never")) {
      return absl::InvalidArgumentError("full_text must be \"auto\", \"always\" or \"never\"");
    }
    feed->set_full_text(ft == "always"  ? v1::FULL_TEXT_ALWAYS
                        : ft == "never" ? v1::FULL_TEXT_NEVER
                                        : v1::FULL_TEXT_AUTO);
  }
  return request;
}

// GET /v1/imports/{id}: an OPML import's progress.
nlohmann::json ImportJson(const v1::ImportProgress& p) {
  nlohmann::json refusals = nlohmann::json::array();
  for (const auto& f : p.refusals()) refusals.push_back({{"url", f.url()}, {"error", f.error()}});
  return {{"import_id", p.id()}, {"total", p.total()}, {"added", p.added()},  {"refused", p.refused()},
          {"done", p.done()},    {"error", p.error()}, {"refusals", refusals}};
}

}  // namespace

std::string FeedJson(const v1::FeedSpec& feed) {
  return FeedObject(feed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void InstallFeedsApi(HttpServer& server, const ControlFn& control, std::size_t max_import_bytes) {
  server.Route("GET", "/v1/feeds", [control](const HttpRequest&) {
    v1::ControlRequest request;
    request.set_list_feeds(true);
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r, 500)) return *failed;
    nlohmann::json feeds = nlohmann::json::array();
    for (const auto& f : r.feeds()) feeds.push_back(FeedObject(f));
    return HttpResponse::Json(200, {{"feeds", feeds}});
  });
  server.Route("POST", "/v1/feeds", [control](const HttpRequest& req) {
    std::optional<nlohmann::json> body = UrlBody(req);
    if (!body) return HttpResponse::Error(400, kUrlBodyError);
    absl::StatusOr<v1::ControlRequest> request = AddFeedRequest(*body);
    if (!request.ok()) return HttpResponse::Error(400, std::string(request.status().message()));
    v1::ControlResponse r;
    if (auto failed = Run(control, *request, &r)) return *failed;
    return HttpResponse::Json(201, {{"added", (*body)["url"]}});
  });
  server.Route("POST", "/v1/pages", [control](const HttpRequest& req) {
    std::optional<nlohmann::json> parsed = UrlBody(req);
    if (!parsed) return HttpResponse::Error(400, kUrlBodyError);
    nlohmann::json& body = *parsed;
    v1::ControlRequest request;
    request.set_submit_url(body["url"].get<std::string>());
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r)) return *failed;
    return HttpResponse::Json(202, {{"queued", body["url"]}});
  });
  server.Route("DELETE", "/v1/feeds", [control](const HttpRequest& req) {
    if (!req.HasParam("url")) return HttpResponse::Error(400, "the url parameter is required");
    v1::ControlRequest request;
    request.set_remove_feed(req.Param("url"));
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r, 404)) return *failed;
    return HttpResponse::Json(200, {{"removed", req.Param("url")}});
  });
  server.Route("POST", "/v1/poll", [control](const HttpRequest&) {
    v1::ControlRequest request;
    request.set_poll_now(true);
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r, 500)) return *failed;
    return HttpResponse::Json(202, {{"polling", true}});
  });
  server.Route("GET", "/v1/dead-letters", [control](const HttpRequest&) {
    v1::ControlRequest request;
    request.set_list_dead_letters(true);
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r, 500)) return *failed;
    nlohmann::json dead = nlohmann::json::array();
    for (const auto& d : r.dead_letter_entries()) dead.push_back(DeadLetterJson(d, false));
    return HttpResponse::Json(200, {{"dead_letters", dead}});
  });
  // Every dead letter at once may be many outbox writes: off the event loop.
  server.Route(
      "POST", "/v1/dead-letters/redrive",
      [control](const HttpRequest& req) { return DeadLetterAction(control, true, req); },
      RouteOptions{.blocking = true});
  server.Route(
      "POST", "/v1/dead-letters/purge",
      [control](const HttpRequest& req) { return DeadLetterAction(control, false, req); },
      RouteOptions{.blocking = true});
  server.Route("GET", "/v1/dead-letters/{id}", [control](const HttpRequest& req) {
    v1::ControlRequest request;
    request.set_show_dead_letter(req.PathParam("id"));
    v1::ControlResponse r = control(request);
    if (!r.ok()) return HttpResponse::Error(DeadLetterErrorStatus(r), r.error());
    return HttpResponse::Json(200, DeadLetterJson(r.dead_letter_entries(0), true));
  });
  server.Route("GET", "/v1/feeds.opml", [control](const HttpRequest&) {
    v1::ControlRequest request;
    request.set_list_feeds(true);
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r, 500)) return *failed;
    return HttpResponse::Text(200, WriteOpml({r.feeds().begin(), r.feeds().end()}, "newsflow feeds"),
                              "text/x-opml; charset=utf-8");
  });
  // OPML import: runs in the background of ingest; POST answers at once
  // with the import's id, GET reports its progress.
  server.Route(
      "POST", "/v1/feeds.opml",
      [control](const HttpRequest& req) {
        if (req.body.empty()) return HttpResponse::Error(400, "expected an OPML document as the body");
        v1::ControlRequest request;
        request.set_import_opml(req.body);
        v1::ControlResponse r;
        if (auto failed = Run(control, request, &r, 409)) return *failed;
        return HttpResponse::Json(
            202, {{"import_id", r.import().id()}, {"status", "/v1/imports/" + r.import().id()}});
      },
      // Parsing an upload of up to max_import_bytes takes a while: off the
      // event loop.
      RouteOptions{.max_body_bytes = max_import_bytes, .blocking = true});
  server.Route("GET", "/v1/imports/{id}", [control](const HttpRequest& req) {
    v1::ControlRequest request;
    request.set_import_status(req.PathParam("id"));
    v1::ControlResponse r;
    if (auto failed = Run(control, request, &r, 404)) return *failed;
    return HttpResponse::Json(200, ImportJson(r.import()));
  });
}

}  // namespace newsflow::ingest
