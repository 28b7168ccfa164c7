#include "services/ingest/feeds_api.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/transport/http_server.h"
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

// Runs `request`; on failure answers with `error_status` and returns false.
bool Run(const ControlFn& control, const v1::ControlRequest& request, httplib::Response& res,
         v1::ControlResponse* out, int error_status = 400) {
  *out = control(request);
  if (!out->ok()) {
    SendJson(res, error_status, {{"error", out->error()}});
    return false;
  }
  return true;
}

// Status of a failed dead-letter request: 404 for an unknown id.
int DeadLetterErrorStatus(const v1::ControlResponse& r) {
  return r.error().starts_with("no dead letter ") ? 404 : 500;
}

// POST /v1/dead-letters/{redrive,purge}: {"id": ID} or {"all": true}.
void DeadLetterAction(const ControlFn& control, bool redrive, const httplib::Request& req,
                      httplib::Response& res) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  const bool has_id = !body.is_discarded() && body.is_object() && body.contains("id") && body["id"].is_string();
  const bool all = !body.is_discarded() && body.is_object() && body.contains("all") &&
                   body["all"].is_boolean() && body["all"].get<bool>();
  if (has_id == all) {
    return SendJson(res, 400, {{"error", "expected a JSON object with an \"id\" string or \"all\": true"}});
  }
  v1::ControlRequest request;
  if (redrive) {
    all ? request.set_redrive_all_dead_letters(true) : request.set_redrive_dead_letter(body["id"].get<std::string>());
  } else {
    all ? request.set_purge_all_dead_letters(true) : request.set_purge_dead_letter(body["id"].get<std::string>());
  }
  v1::ControlResponse r = control(request);
  if (!r.ok()) return SendJson(res, DeadLetterErrorStatus(r), {{"error", r.error()}});
  SendJson(res, 200, {{redrive ? "redriven" : "purged", r.affected()}});
}

}  // namespace

std::string FeedJson(const v1::FeedSpec& feed) {
  return FeedObject(feed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void InstallFeedsApi(httplib::Server& server, ControlFn control, const std::string& token) {
  RequireBearerToken(server, token);
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, {{"status", "ok"}});
  });
  server.Get("/v1/feeds", [control](const httplib::Request&, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_list_feeds(true);
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 500)) return;
    nlohmann::json feeds = nlohmann::json::array();
    for (const auto& f : r.feeds()) feeds.push_back(FeedObject(f));
    SendJson(res, 200, {{"feeds", feeds}});
  });
  server.Post("/v1/feeds", [control](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("url") || !body["url"].is_string()) {
      return SendJson(res, 400, {{"error", "expected a JSON object with a \"url\" string"}});
    }
    v1::ControlRequest request;
    request.mutable_add_feed()->set_url(body["url"].get<std::string>());
    if (body.contains("interval_s")) {
      const auto& interval = body["interval_s"];
      if (!interval.is_number_integer() || (interval.is_number_unsigned() ? false : interval.get<int64_t>() < 0)) {
        return SendJson(res, 400, {{"error", "interval_s must be a non-negative integer"}});
      }
      // Larger values are bounded to ingest.poll.max_interval_s when the feed is admitted.
      uint64_t seconds = interval.is_number_unsigned() ? interval.get<uint64_t>()
                                                       : static_cast<uint64_t>(interval.get<int64_t>());
      request.mutable_add_feed()->set_interval_s(
          static_cast<int32_t>(std::min<uint64_t>(seconds, std::numeric_limits<int32_t>::max())));
    }
    if (body.contains("full_text")) {
      const auto& ft = body["full_text"];
      if (!ft.is_string() || (ft != "auto" && ft != "always" && ft != "never")) {
        return SendJson(res, 400, {{"error", "full_text must be \"auto\", \"always\" or \"never\""}});
      }
      request.mutable_add_feed()->set_full_text(ft == "always" ? v1::FULL_TEXT_ALWAYS
                                                : ft == "never" ? v1::FULL_TEXT_NEVER
                                                                : v1::FULL_TEXT_AUTO);
    }
    v1::ControlResponse r;
    if (!Run(control, request, res, &r)) return;
    SendJson(res, 201, {{"added", body["url"]}});
  });
  server.Post("/v1/pages", [control](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("url") || !body["url"].is_string()) {
      return SendJson(res, 400, {{"error", "expected a JSON object with a \"url\" string"}});
    }
    v1::ControlRequest request;
    request.set_submit_url(body["url"].get<std::string>());
    v1::ControlResponse r;
    if (!Run(control, request, res, &r)) return;
    SendJson(res, 202, {{"queued", body["url"]}});
  });
  server.Delete("/v1/feeds", [control](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("url")) return SendJson(res, 400, {{"error", "the url parameter is required"}});
    v1::ControlRequest request;
    request.set_remove_feed(req.get_param_value("url"));
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 404)) return;
    SendJson(res, 200, {{"removed", req.get_param_value("url")}});
  });
  server.Post("/v1/poll", [control](const httplib::Request&, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_poll_now(true);
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 500)) return;
    SendJson(res, 202, {{"polling", true}});
  });
  server.Get("/v1/dead-letters", [control](const httplib::Request&, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_list_dead_letters(true);
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 500)) return;
    nlohmann::json dead = nlohmann::json::array();
    for (const auto& d : r.dead_letter_entries()) dead.push_back(DeadLetterJson(d, false));
    SendJson(res, 200, {{"dead_letters", dead}});
  });
  server.Post("/v1/dead-letters/redrive", [control](const httplib::Request& req, httplib::Response& res) {
    DeadLetterAction(control, true, req, res);
  });
  server.Post("/v1/dead-letters/purge", [control](const httplib::Request& req, httplib::Response& res) {
    DeadLetterAction(control, false, req, res);
  });
  server.Get(R"(/v1/dead-letters/([^/]+))", [control](const httplib::Request& req, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_show_dead_letter(req.matches[1].str());
    v1::ControlResponse r = control(request);
    if (!r.ok()) return SendJson(res, DeadLetterErrorStatus(r), {{"error", r.error()}});
    SendJson(res, 200, DeadLetterJson(r.dead_letter_entries(0), true));
  });
  server.Get("/v1/feeds.opml", [control](const httplib::Request&, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_list_feeds(true);
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 500)) return;
    res.set_content(WriteOpml({r.feeds().begin(), r.feeds().end()}, "newsflow feeds"), "text/x-opml; charset=utf-8");
  });
  // OPML import: runs in the background of ingest; POST answers at once
  // with the import's id, GET reports its progress.
  server.Post("/v1/feeds.opml", [control](const httplib::Request& req, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_import_opml(req.body);
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 409)) return;
    SendJson(res, 202, {{"import_id", r.import().id()}, {"status", "/v1/imports/" + r.import().id()}});
  });
  server.Get(R"(/v1/imports/([^/]+))", [control](const httplib::Request& req, httplib::Response& res) {
    v1::ControlRequest request;
    request.set_import_status(req.matches[1].str());
    v1::ControlResponse r;
    if (!Run(control, request, res, &r, 404)) return;
    const v1::ImportProgress& p = r.import();
    nlohmann::json refusals = nlohmann::json::array();
    for (const auto& f : p.refusals()) refusals.push_back({{"url", f.url()}, {"error", f.error()}});
    SendJson(res, 200, {{"import_id", p.id()}, {"total", p.total()}, {"added", p.added()},
                        {"refused", p.refused()}, {"done", p.done()}, {"error", p.error()},
                        {"refusals", refusals}});
  });
}

}  // namespace newsflow::ingest
