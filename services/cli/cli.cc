#include "services/cli/cli.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/delivery/envelope_codec.h"
#include "common/delivery/request_client.h"
#include "common/log/logging.h"
#include "common/runtime/service_group.h"
#include "common/runtime/service_main.h"
#include "common/runtime/stop_signal.h"
#include "common/util/article_json.h"
#include "common/util/hash.h"
#include "common/util/time.h"
#include "services/cli/embedded_config.h"
#include "services/cli/status_command.h"
#include "services/enrich/core/enrich_cli.h"
#include "services/enrich/core/enricher.h"
#include "services/enrich/enrich_service.h"
#include "services/ingest/dead_letters.h"
#include "services/ingest/extract/article_extractor.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed/feedparser_format.h"
#include "services/ingest/feed_admission.h"
#include "services/ingest/fetcher.h"
#include "services/ingest/ingest_db.h"
#include "services/ingest/ingest_service.h"
#include "services/ingest/opml.h"
#include "services/store/article_store.h"
#include "services/store/backup.h"
#include "services/store/related.h"
#include "services/store/search_index.h"
#include "services/store/store_service.h"
#include "services/store/stream_subscriber.h"
#include "services/store/trending.h"

namespace newsflow::cli {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRequestTimeout(5000);

struct GlobalOptions {
  std::string config_path;
  std::string data_dir;
  std::string log_level;
};

absl::StatusOr<NewsflowConfig> LoadClientConfig(const GlobalOptions& g) {
  return LoadConfigWithOverrides(g.config_path, g.data_dir, g.log_level.empty() ? "warn" : g.log_level);
}

std::string Dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

int Fail(const absl::Status& s, std::string_view context) {
  std::cerr << "newsflow " << context << ": " << s.message() << "\n";
  return absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
}

// One human-readable block per article for `run` and `subscribe`.
void PrintArticle(const v1::Article& a, std::ostream& out) {
  const v1::Enrichment& e = a.enrichment();
  out << fmt::format("#{} [{}] {}\n", a.sequence(), e.language().empty() ? "und" : e.language(), a.title());
  std::string tags;
  for (const auto& t : e.tags()) {
    if (!tags.empty()) tags += ", ";
    tags += fmt::format("{} ({:.2f})", t.name(), t.score());
  }
  out << "    tags: " << tags << "\n";
  for (int i = 0; i < e.summary_size(); ++i) {
    out << (i == 0 ? "    summary: " : "             ") << e.summary(i) << "\n";
  }
  out << std::flush;
}

// ---- run ---------------------------------------------------------------------

struct RunOptions {
  bool json = false;
  bool quiet = false;
  uint64_t max_articles = 0;  // stop after this many streamed articles
  double idle_exit_s = 0;     // stop after this long without a new article
};

int CmdRun(const GlobalOptions& g, const RunOptions& o) {
  BlockStopSignals();
  absl::StatusOr<NewsflowConfig> config;
  if (g.config_path.empty()) {
    config = EmbeddedDefaultConfig(g.data_dir);
    if (!g.log_level.empty()) config->logging.level = g.log_level;
    if (config->ingest.feeds.empty()) {
      std::cerr << "newsflow run: the bundled samples/ folder was not found; run from the "
                   "repository root or pass --config\n";
    }
  } else {
    config = LoadConfigWithOverrides(g.config_path, g.data_dir, g.log_level);
    if (!config.ok()) return Fail(config.status(), "run: invalid config");
    MakeEmbedded(&*config);
  }
  if (absl::Status s = InitLogging(config->logging); !s.ok()) return Fail(s, "run");
  auto logger = MakeLogger("run");

  zmq::context_t context(1);
  std::vector<std::unique_ptr<Service>> services;
  for (const ServiceFactory& factory :
       {ServiceFactory(&store::MakeStoreService), ServiceFactory(&enrich::MakeEnrichService),
        ServiceFactory(&ingest::MakeIngestService)}) {
    auto service = factory(*config, context);
    if (!service.ok()) return Fail(service.status(), "run");
    services.push_back(*std::move(service));
  }

  std::stop_source stop;
  SignalWatcher watcher(stop);
  std::atomic<uint64_t> streamed{0};
  std::atomic<int64_t> last_article_ms{NowMs()};
  // Throughput counts from the moment the pipeline is ready, not process start.
  std::atomic<int64_t> started_ms{NowMs()};
  std::mutex print_mu;
  std::jthread printer;
  std::jthread idle_watch;

  auto on_ready = [&](const EndpointMap& endpoints) {
    started_ms = NowMs();
    last_article_ms = started_ms.load();
    logger->info("pipeline ready: stream {} queries {} http {}", endpoints.at("store.publish"),
                 endpoints.at("store.query"),
                 endpoints.contains("store.http") ? endpoints.at("store.http") : "off");
    store::SubscriberOptions so;
    so.publish_endpoint = endpoints.at("store.publish");
    so.query_endpoint = endpoints.at("store.query");
    so.since = 0;  // show everything stored, including earlier runs, then live
    printer = std::jthread([&, so](std::stop_token st) {
      store::StreamSubscriber subscriber(context, so);
      absl::Status s = subscriber.Run(st, [&](const v1::Article& a) {
        std::lock_guard lock(print_mu);
        if (!o.quiet) {
          if (o.json) {
            std::cout << Dump(ArticleToJson(a, false)) << "\n" << std::flush;
          } else {
            PrintArticle(a, std::cout);
          }
        }
        last_article_ms = NowMs();
        uint64_t n = ++streamed;
        if (o.max_articles != 0 && n >= o.max_articles) {
          stop.request_stop();
          return false;
        }
        return true;
      });
      if (!s.ok()) logger->warn("stream printer stopped: {}", std::string(s.message()));
    });
    if (o.idle_exit_s > 0) {
      idle_watch = std::jthread([&](std::stop_token st) {
        while (!st.stop_requested() && !stop.stop_requested()) {
          std::this_thread::sleep_for(milliseconds(100));
          if (NowMs() - last_article_ms.load() > static_cast<int64_t>(o.idle_exit_s * 1000)) {
            stop.request_stop();
          }
        }
      });
    }
  };

  absl::Status s = RunServiceGroup(std::move(services), context, stop.get_token(),
                                   milliseconds(config->drain.deadline_ms), on_ready, logger);
  if (printer.joinable()) {
    printer.request_stop();
    printer.join();
  }
  if (idle_watch.joinable()) {
    idle_watch.request_stop();
    idle_watch.join();
  }
  double elapsed = static_cast<double>(last_article_ms.load() - started_ms.load()) / 1000.0;
  std::cerr << fmt::format("newsflow run: {} articles streamed in {:.2f} s ({:.1f} articles/s)\n",
                           streamed.load(), elapsed,
                           elapsed > 0 ? static_cast<double>(streamed.load()) / elapsed : 0.0);
  if (!s.ok()) return Fail(s, "run");
  return kExitOk;
}

// ---- clients of running daemons ------------------------------------------------

absl::StatusOr<v1::QueryResponse> StoreQuery(const NewsflowConfig& config, zmq::context_t& context,
                                             const v1::QueryRequest& q,
                                             milliseconds timeout = kRequestTimeout) {
  v1::Envelope request = NewEnvelope();
  *request.mutable_query() = q;
  auto reply = Request(context, config.store.query.address, request, timeout);
  if (!reply.ok()) return reply.status();
  if (reply->payload_case() != v1::Envelope::kResult) return absl::DataLossError("unexpected reply");
  if (!reply->result().ok()) return absl::NotFoundError(reply->result().error());
  return reply->result();
}

int CmdSubscribe(const GlobalOptions& g, const std::string& tag, const std::string& lang,
                 std::optional<uint64_t> since, bool json, uint64_t count) {
  BlockStopSignals();
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "subscribe: invalid config");
  zmq::context_t context(1);
  std::stop_source stop;
  SignalWatcher watcher(stop);
  store::SubscriberOptions so;
  so.publish_endpoint = config->store.publish.address;
  so.query_endpoint = config->store.query.address;
  so.tag = tag;
  so.lang = lang;
  so.since = since;
  store::StreamSubscriber subscriber(context, so);
  uint64_t n = 0;
  absl::Status s = subscriber.Run(stop.get_token(), [&](const v1::Article& a) {
    if (json) {
      std::cout << Dump(ArticleToJson(a, false)) << "\n" << std::flush;
    } else {
      PrintArticle(a, std::cout);
    }
    return count == 0 || ++n < count;
  });
  if (!s.ok()) return Fail(s, "subscribe");
  return kExitOk;
}

int PrintArticles(const v1::QueryResponse& r, bool with_text) {
  for (const auto& a : r.articles()) std::cout << Dump(ArticleToJson(a, with_text)) << "\n";
  return kExitOk;
}

int CmdGet(const GlobalOptions& g, const std::string& id) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "get: invalid config");
  zmq::context_t context(1);
  v1::QueryRequest q;
  q.set_get_id(id);
  auto r = StoreQuery(*config, context, q);
  if (!r.ok()) return Fail(r.status(), "get");
  std::cout << Dump(ArticleToJson(r->articles(0), true), 2) << "\n";
  return kExitOk;
}

int CmdQuery(const GlobalOptions& g, const std::string& tag, const std::string& lang,
             const std::string& source, const std::string& cluster, uint32_t limit) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "query: invalid config");
  if (!tag.empty() + !lang.empty() + !source.empty() + !cluster.empty() > 1) {
    std::cerr << "newsflow query: use at most one of --tag, --lang, --source, --cluster\n";
    return kExitUsage;
  }
  zmq::context_t context(1);
  v1::QueryRequest q;
  q.set_limit(limit);
  if (!tag.empty()) {
    q.set_by_tag(tag);
  } else if (!lang.empty()) {
    q.set_by_lang(lang);
  } else if (!source.empty()) {
    q.set_by_source(source);
  } else if (!cluster.empty()) {
    q.set_by_cluster(cluster);
  } else {
    q.set_latest(true);
  }
  auto r = StoreQuery(*config, context, q);
  if (!r.ok()) return Fail(r.status(), "query");
  return PrintArticles(*r, false);
}

int CmdTags(const GlobalOptions& g, uint32_t limit) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "tags: invalid config");
  zmq::context_t context(1);
  v1::QueryRequest q;
  q.set_limit(limit);
  q.set_tag_counts(true);
  auto r = StoreQuery(*config, context, q);
  if (!r.ok()) return Fail(r.status(), "tags");
  for (const auto& t : r->tags()) std::cout << fmt::format("{:6}  {}\n", t.count(), t.name());
  return kExitOk;
}

// `newsflow trending`: the running store's trending tags, one line each
// (score, mentions in the window, in the baseline, name), or its JSON.
int CmdTrending(const GlobalOptions& g, const std::string& lang, const std::string& window, uint32_t limit,
                bool json) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "trending: invalid config");
  zmq::context_t context(1);
  v1::QueryRequest q;
  q.set_limit(limit);
  q.mutable_trending()->set_lang(lang);
  q.mutable_trending()->set_window(window);
  auto r = StoreQuery(*config, context, q);
  if (!r.ok()) return Fail(r.status(), "trending");
  if (json) {
    std::cout << Dump(store::TrendingToJson(r->trending())) << "\n";
    return kExitOk;
  }
  const v1::Trending& t = r->trending();
  std::cout << fmt::format("window {} ({} to {}), baseline from {}\n", t.window(),
                           FormatRfc3339Utc(t.window_start_ms()), FormatRfc3339Utc(t.now_ms()),
                           FormatRfc3339Utc(t.baseline_start_ms()));
  std::cout << fmt::format("{:>6}  {:>6}  {:>8}  {}\n", "score", "count", "baseline", "tag");
  for (const auto& tag : t.tags()) {
    std::cout << fmt::format("{:6.2f}  {:6}  {:8}  {}\n", tag.score(), tag.count(), tag.baseline(),
                             tag.name());
  }
  return kExitOk;
}

// `newsflow backup DIR`: the running store checkpoints its database into
// DIR, a folder inside its store.backup.dir (on the store's host; a relative
// DIR is taken relative to that folder; see services/store/backup.h).
int CmdBackup(const GlobalOptions& g, const std::string& dir) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "backup: invalid config");
  zmq::context_t context(1);
  v1::QueryRequest q;
  q.set_backup(dir);
  // A checkpoint flushes the memtables first: allow it more than a query.
  auto r = StoreQuery(*config, context, q, milliseconds(120000));
  if (!r.ok()) return Fail(r.status(), "backup");
  const v1::BackupResult& b = r->backup();
  std::cout << fmt::format("backup {}: sequence {}, {} articles, {:.1f} MB\n", b.dir(), b.sequence(),
                           b.articles(), static_cast<double>(b.bytes()) / 1e6);
  std::cout << "the search index is not in it: the store rebuilds it from the database after a restore\n";
  return kExitOk;
}

// `newsflow restore DIR`: puts a backup in place of store.data_dir, with
// the store stopped.
int CmdRestore(const GlobalOptions& g, const std::string& dir) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "restore: invalid config");
  std::string kept;
  auto info = store::RestoreBackup(dir, config->store.data_dir, config->store.SearchPath(), &kept);
  if (!info.ok()) return Fail(info.status(), "restore");
  std::cout << fmt::format("restored {} into {}: sequence {}, {} articles\n", dir, info->dir, info->sequence,
                           info->articles);
  if (!kept.empty()) std::cout << "the replaced database is kept in " << kept << " (delete it when done)\n";
  std::cout << "the search index is rebuilt from the restored database when the store starts\n";
  return kExitOk;
}

// Feed commands talk to the running ingest; when none answers, they edit the
// feed list in its database directly (the next start picks it up).
// `token` goes with every request: ingest.api.token, required by a daemon
// that has one (the HTTP API's bearer token).
absl::StatusOr<v1::ControlResponse> Control(const NewsflowConfig& config, const std::string& token,
                                            const v1::ControlRequest& request) {
  zmq::context_t context(1);
  v1::Envelope envelope = NewEnvelope();
  *envelope.mutable_control() = request;
  envelope.mutable_control()->set_token(token);
  auto reply = Request(context, config.ingest.control.address, envelope, milliseconds(2000));
  if (reply.ok()) {
    if (reply->payload_case() != v1::Envelope::kControlResult) return absl::DataLossError("unexpected reply");
    return reply->control_result();
  }
  if (!absl::IsDeadlineExceeded(reply.status())) return reply.status();
  auto db = ingest::IngestDb::Open(config.ingest.data_dir, true);
  if (!db.ok()) {
    return absl::UnavailableError(
        fmt::format("ingest does not answer on {} and its database is unavailable: {}",
                    config.ingest.control.address, std::string(db.status().message())));
  }
  v1::ControlResponse response;
  if (ingest::ExecuteDeadLetterControl(**db, /*outbox=*/nullptr, request, &response)) return response;
  response.set_ok(true);
  absl::Status s;
  switch (request.op_case()) {
    case v1::ControlRequest::kAddFeed: {
      // The same admission rules as the daemon's.
      auto existing = (*db)->GetFeed(request.add_feed().url());
      if (!existing.ok()) {
        s = existing.status();
        break;
      }
      auto feed = ingest::AdmitFeed(request.add_feed(), *existing, config.ingest);
      s = feed.ok() ? (*db)->PutFeed(*feed) : feed.status();
      break;
    }
    case v1::ControlRequest::kRemoveFeed: {
      auto removed = (*db)->RemoveFeed(request.remove_feed());
      s = !removed.ok() ? removed.status()
          : *removed    ? absl::OkStatus()
                        : absl::NotFoundError(fmt::format("no feed {}", request.remove_feed()));
      break;
    }
    case v1::ControlRequest::kListFeeds: {
      auto feeds = (*db)->ListFeeds();
      if (feeds.ok()) {
        for (auto& f : *feeds) *response.add_feeds() = std::move(f);
      }
      s = feeds.status();
      break;
    }
    default:
      s = absl::UnavailableError("ingest is not running");
  }
  if (!s.ok()) {
    response.set_ok(false);
    response.set_error(std::string(s.message()));
  }
  return response;
}

absl::StatusOr<std::string> ReadFile(const std::string& path);

// Adds every feed of an OPML file: through the running ingest, which imports
// it in the background while this waits and prints its progress; or, when
// none answers, straight into its database.
int CmdImportOpml(const NewsflowConfig& config, const std::string& token, const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return Fail(bytes.status(), "feeds import-opml");
  v1::ControlRequest start;
  start.set_import_opml(*bytes);
  auto started = Control(config, token, start);
  if (!started.ok()) return Fail(started.status(), "feeds import-opml");
  std::size_t added = 0, refused = 0;
  if (started->ok()) {
    const std::string id = started->import().id();
    std::string last;
    while (true) {
      std::this_thread::sleep_for(milliseconds(500));
      v1::ControlRequest status;
      status.set_import_status(id);
      auto r = Control(config, token, status);
      if (!r.ok()) return Fail(r.status(), "feeds import-opml");
      if (!r->ok()) return Fail(absl::UnavailableError(r->error()), "feeds import-opml");
      const v1::ImportProgress& p = r->import();
      std::string line =
          fmt::format("imported {}/{} feeds ({} refused)", p.added() + p.refused(), p.total(), p.refused());
      if (line != last) std::cerr << line << "\n";
      last = line;
      if (!p.done()) continue;
      for (const auto& f : p.refusals()) std::cerr << "  " << f.url() << ": " << f.error() << "\n";
      if (!p.error().empty()) return Fail(absl::InvalidArgumentError(p.error()), "feeds import-opml");
      added = p.added();
      refused = p.refused();
      break;
    }
  } else if (started->error() != "ingest is not running") {
    return Fail(absl::UnavailableError(started->error()), "feeds import-opml");
  } else {
    auto feeds = ingest::ParseOpml(*bytes);
    if (!feeds.ok()) return Fail(feeds.status(), "feeds import-opml");
    auto db = ingest::IngestDb::Open(config.ingest.data_dir, true);
    if (!db.ok()) return Fail(db.status(), "feeds import-opml");
    for (std::size_t i = 0; i < feeds->size(); ++i) {
      auto existing = (*db)->GetFeed((*feeds)[i].url());
      auto feed = existing.ok() ? ingest::AdmitFeed((*feeds)[i], *existing, config.ingest)
                                : absl::StatusOr<v1::FeedSpec>(existing.status());
      absl::Status s = feed.ok() ? (*db)->PutFeed(*feed) : feed.status();
      if (s.ok()) {
        ++added;
      } else {
        ++refused;
        std::cerr << "  " << (*feeds)[i].url() << ": " << s.message() << "\n";
      }
      if ((i + 1) % 1000 == 0 || i + 1 == feeds->size()) {
        std::cerr << fmt::format("imported {}/{} feeds\n", i + 1, feeds->size());
      }
    }
  }
  std::cout << fmt::format("import-opml {}: {} added, {} failed\n", path, added, refused);
  return refused == 0 ? kExitOk : kExitFailure;
}

int CmdFeeds(const GlobalOptions& g, const std::string& action, const std::string& url, int interval_s,
             const std::string& full_text, bool json, const std::string& token_flag) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "feeds: invalid config");
  const std::string token = token_flag.empty() ? config->ingest.api_token : token_flag;
  if (action == "import-opml") return CmdImportOpml(*config, token, url);
  v1::ControlRequest request;
  if (action == "add") {
    request.mutable_add_feed()->set_url(url);
    request.mutable_add_feed()->set_interval_s(interval_s);
    request.mutable_add_feed()->set_full_text(full_text == "always"  ? v1::FULL_TEXT_ALWAYS
                                              : full_text == "never" ? v1::FULL_TEXT_NEVER
                                                                     : v1::FULL_TEXT_AUTO);
  } else if (action == "submit") {
    request.set_submit_url(url);
  } else if (action == "remove") {
    request.set_remove_feed(url);
  } else if (action == "poll") {
    request.set_poll_now(true);
  } else if (action == "dead-letters") {
    request.set_list_dead_letters(true);
  } else {
    request.set_list_feeds(true);
  }
  auto r = Control(*config, token, request);
  if (!r.ok()) return Fail(r.status(), "feeds");
  if (!r->ok()) {
    std::cerr << "newsflow feeds " << action << ": " << r->error() << "\n";
    return kExitFailure;
  }
  if (action == "export-opml") {
    std::cout << ingest::WriteOpml({r->feeds().begin(), r->feeds().end()}, "newsflow feeds");
    return kExitOk;
  }
  for (const auto& f : r->feeds()) {
    if (json) {
      std::cout << Dump({{"url", f.url()},
                         {"title", f.title()},
                         {"enabled", f.enabled()},
                         {"interval_s", f.interval_s()},
                         {"last_fetch", FormatRfc3339Utc(f.last_fetch_ms())},
                         {"next_fetch", FormatRfc3339Utc(f.next_fetch_ms())},
                         {"failures", f.consecutive_failures()},
                         {"last_error", f.last_error()},
                         {"disabled_reason", f.disabled_reason()},
                         {"adaptive_interval_s", f.adaptive_interval_s()},
                         {"articles", f.articles_seen()}})
                << "\n";
    } else {
      std::string note = !f.enabled() && !f.disabled_reason().empty()
                             ? "  (disabled: " + f.disabled_reason() + ")"
                         : !f.last_error().empty() ? "  (last error: " + f.last_error() + ")"
                                                   : "";
      std::cout << fmt::format("{:8}  {:5} articles  every {:>6}s  {}{}\n",
                               f.enabled() ? "enabled" : "DISABLED", f.articles_seen(),
                               f.interval_s() > 0 ? f.interval_s() : f.adaptive_interval_s(), f.url(), note);
    }
  }
  for (const auto& a : r->dead_letters()) std::cout << Dump(ArticleToJson(a, false)) << "\n";
  if (action == "add" || action == "remove" || action == "submit")
    std::cout << action << " " << url << ": ok\n";
  return kExitOk;
}

// `newsflow dead-letters list | show ID | redrive ID|--all | purge ID|--all`:
// through the running ingest, else on its database (a re-drive then waits
// in the outbox for the next start).
int CmdDeadLetters(const GlobalOptions& g, const std::string& action, const std::string& id, bool all,
                   bool json, const std::string& token_flag) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "dead-letters: invalid config");
  const std::string token = token_flag.empty() ? config->ingest.api_token : token_flag;
  const bool needs_target = action == "show" || action == "redrive" || action == "purge";
  if (needs_target && (id.empty() == !all || (all && action == "show"))) {
    std::cerr << "newsflow dead-letters " << action << ": give an article ID"
              << (action == "show" ? "" : " or --all") << "\n";
    return kExitUsage;
  }
  v1::ControlRequest request;
  if (action == "show") {
    request.set_show_dead_letter(id);
  } else if (action == "redrive") {
    all ? request.set_redrive_all_dead_letters(true) : request.set_redrive_dead_letter(id);
  } else if (action == "purge") {
    all ? request.set_purge_all_dead_letters(true) : request.set_purge_dead_letter(id);
  } else {
    request.set_list_dead_letters(true);
  }
  auto r = Control(*config, token, request);
  if (!r.ok()) return Fail(r.status(), "dead-letters");
  if (!r->ok()) {
    std::cerr << "newsflow dead-letters " << action << ": " << r->error() << "\n";
    return kExitFailure;
  }
  if (action == "redrive" || action == "purge") {
    std::cout << fmt::format("{} {} dead letter(s)\n", action == "redrive" ? "re-drove" : "purged",
                             r->affected());
    return kExitOk;
  }
  for (const auto& d : r->dead_letter_entries()) {
    const nlohmann::json j = ingest::DeadLetterJson(d, action == "show");
    if (json || action == "show") {
      std::cout << Dump(j) << "\n";
    } else {
      std::cout << fmt::format("{}  {}  attempts={}  {}  reason: {}\n", d.envelope().article().id(),
                               j["dead_at"].get<std::string>(), d.attempts(), j["url"].get<std::string>(),
                               d.reason());
    }
  }
  return kExitOk;
}

// ---- one-shot stages ------------------------------------------------------------

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open {}", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int CmdParseFeed(const std::string& path, const std::string& base_url) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return Fail(bytes.status(), "parse-feed");
  auto feed = ingest::ParseFeed(*bytes, base_url);
  if (!feed.ok()) return Fail(feed.status(), "parse-feed");
  std::cout << Dump(ingest::FeedToJson(*feed), 2) << "\n";
  return kExitOk;
}

nlohmann::json PageJson(const ingest::Article& p) {
  return {
      {"title", p.title},
      {"text", p.text},
      {"html", p.html},
      {"author", p.author},
      {"published",
       p.published_ms ? nlohmann::json(FormatRfc3339Utc(p.published_ms)) : nlohmann::json(nullptr)},
      {"updated", p.updated_ms ? nlohmann::json(FormatRfc3339Utc(p.updated_ms)) : nlohmann::json(nullptr)},
      {"lang", p.language},
      {"canonical_url", p.canonical_url},
      {"site_name", p.site_name},
      {"image", p.image}};
}

int CmdExtract(const std::string& path, bool jsonl) {
  if (jsonl) {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      nlohmann::json in = nlohmann::json::parse(line, nullptr, false);
      nlohmann::json out;
      if (in.is_discarded() || !in.is_object() || !in.contains("html") || !in["html"].is_string()) {
        out = {{"id", in.is_object() && in.contains("id") ? in["id"] : nullptr},
               {"error", "expected {\"id\", \"html\"}"}};
      } else {
        // JSON strings are Unicode: the page is UTF-8 whatever its <meta> says.
        std::string url = in.contains("url") && in["url"].is_string() ? in["url"].get<std::string>() : "";
        auto page = ingest::ExtractArticle(in["html"].get<std::string>(), url, "text/html; charset=utf-8");
        out = page.ok() ? PageJson(*page) : nlohmann::json{{"error", std::string(page.status().message())}};
        out["id"] = in.contains("id") ? in["id"] : nullptr;
      }
      std::cout << Dump(out) << "\n";
    }
    return kExitOk;
  }
  absl::StatusOr<ingest::Article> page;
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) {
    ingest::InitFetcher();
    auto fetched = ingest::Fetch({.url = path}, ingest::FetchOptions{});
    if (!fetched.ok()) return Fail(fetched.status(), "extract");
    if (fetched->http_status != 200) {
      return Fail(absl::UnavailableError(fmt::format("{}: HTTP {}", path, fetched->http_status)), "extract");
    }
    page = ingest::ExtractArticle(fetched->body, fetched->final_url.empty() ? path : fetched->final_url,
                                  fetched->content_type);
  } else {
    auto bytes = ReadFile(path);
    if (!bytes.ok()) return Fail(bytes.status(), "extract");
    page = ingest::ExtractArticle(*bytes);
  }
  if (!page.ok()) return Fail(page.status(), "extract");
  std::cout << Dump(PageJson(*page), 2) << "\n";
  return kExitOk;
}

// A subcommand: its CLI11 app (set once parsed) and what it does.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

// The options of a subcommand live in a shared state its action reads.
template <typename State>
std::shared_ptr<State> NewState() {
  return std::make_shared<State>();
}

Command AddRunCommand(CLI::App& app, const GlobalOptions& g) {
  auto o = NewState<RunOptions>();
  auto* run = app.add_subcommand("run", "run ingest, enrich and store in one process and print the stream");
  run->add_flag("--json", o->json, "print JSON lines instead of text");
  run->add_flag("--quiet", o->quiet, "print nothing but the final throughput line");
  run->add_option("--max-articles", o->max_articles, "stop after this many articles");
  run->add_option("--exit-when-idle", o->idle_exit_s, "stop after this many seconds without a new article");
  return {run, [&g, o] { return CmdRun(g, *o); }};
}

Command AddSubscribeCommand(CLI::App& app, const GlobalOptions& g) {
  struct State {
    std::string tag, lang;
    uint64_t since = 0;
    bool json = false;
    uint64_t count = 0;
    CLI::Option* since_opt = nullptr;
  };
  auto o = NewState<State>();
  auto* subscribe = app.add_subcommand("subscribe", "stream enriched articles from a running store");
  subscribe->add_option("--tag", o->tag, "only articles with this tag");
  subscribe->add_option("--lang", o->lang, "only articles in this language (en, zh, ...)");
  o->since_opt =
      subscribe->add_option("--since", o->since, "first replay what was stored after this sequence number");
  subscribe->add_flag("--json", o->json, "print JSON lines");
  subscribe->add_option("--count", o->count, "exit after this many articles");
  return {subscribe, [&g, o] {
            return CmdSubscribe(g, o->tag, o->lang,
                                o->since_opt->count() ? std::optional<uint64_t>(o->since) : std::nullopt,
                                o->json, o->count);
          }};
}

Command AddGetCommand(CLI::App& app, const GlobalOptions& g) {
  auto id = NewState<std::string>();
  auto* get = app.add_subcommand("get", "print one stored article with its text");
  get->add_option("id", *id, "article id")->required();
  return {get, [&g, id] { return CmdGet(g, *id); }};
}

Command AddQueryCommand(CLI::App& app, const GlobalOptions& g) {
  struct State {
    std::string tag, lang, source, cluster;
    uint32_t limit = 20;
  };
  auto o = NewState<State>();
  auto* query = app.add_subcommand("query", "list stored articles, newest first");
  query->add_option("--tag", o->tag, "articles with this tag");
  query->add_option("--lang", o->lang, "articles in this language");
  query->add_option("--source", o->source, "articles from this source id");
  query->add_option("--cluster", o->cluster, "near-duplicates of one story (a cluster_id)");
  query->add_option("--limit", o->limit, "at most this many")->check(CLI::Range(1, 100000));
  return {query, [&g, o] { return CmdQuery(g, o->tag, o->lang, o->source, o->cluster, o->limit); }};
}

Command AddTagsCommand(CLI::App& app, const GlobalOptions& g) {
  auto limit = std::make_shared<uint32_t>(20);
  auto* tags = app.add_subcommand("tags", "most used tags with counts");
  tags->add_option("--limit", *limit, "at most this many")->check(CLI::Range(1, 100000));
  return {tags, [&g, limit] { return CmdTags(g, *limit); }};
}

Command AddTrendingCommand(CLI::App& app, const GlobalOptions& g) {
  struct State {
    std::string lang, window = "1h";
    uint32_t limit = static_cast<uint32_t>(store::kDefaultTrendingLimit);
    bool json = false;
  };
  auto o = NewState<State>();
  auto* trending =
      app.add_subcommand("trending", "tags rising most in the last hour or day against the week before");
  trending->add_option("--lang", o->lang, "only articles in this language (en, zh, ...)");
  trending->add_option("--window", o->window, "1h (default) or 24h")->check(CLI::IsMember({"1h", "24h"}));
  trending->add_option("--limit", o->limit, "at most this many")
      ->check(CLI::Range(1, static_cast<int>(store::kMaxTrendingLimit)));
  trending->add_flag("--json", o->json, "print the answer as JSON");
  return {trending, [&g, o] { return CmdTrending(g, o->lang, o->window, o->limit, o->json); }};
}

Command AddFeedsCommand(CLI::App& app, const GlobalOptions& g) {
  struct State {
    std::string action, url, full_text = "auto", token;
    int interval_s = 0;
    bool json = false;
  };
  auto o = NewState<State>();
  auto* feeds =
      app.add_subcommand("feeds",
                         "manage the feed list: add URL | remove URL | list | poll | dead-letters | "
                         "import-opml FILE | export-opml | submit PAGE-URL");
  feeds
      ->add_option("action", o->action,
                   "add, remove, list, poll, dead-letters, import-opml, export-opml or submit")
      ->required()
      ->check(CLI::IsMember(
          {"add", "remove", "list", "poll", "dead-letters", "import-opml", "export-opml", "submit"}));
  feeds->add_option("url", o->url, "feed URL or file path (add, remove); OPML file (import-opml)");
  feeds->add_option("--interval", o->interval_s, "poll interval in seconds (add; 0 = default)");
  feeds
      ->add_option("--full-text", o->full_text,
                   "fetch the linked pages: auto (teasers only), always or never (add)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  feeds->add_flag("--json", o->json, "print JSON lines (list)");
  feeds->add_option("--token", o->token,
                    "token of the ingest control socket (default: ingest.api.token of --config)");
  return {feeds, [&g, o] {
            const std::string& a = o->action;
            if ((a == "add" || a == "remove" || a == "import-opml" || a == "submit") && o->url.empty()) {
              std::cerr << "newsflow feeds " << a << ": a URL is required\n";
              return kExitUsage;
            }
            return CmdFeeds(g, a, o->url, o->interval_s, o->full_text, o->json, o->token);
          }};
}

Command AddDeadLettersCommand(CLI::App& app, const GlobalOptions& g) {
  struct State {
    std::string action, id, token;
    bool all = false;
    bool json = false;
  };
  auto o = NewState<State>();
  auto* dead_letters = app.add_subcommand(
      "dead-letters", "articles ingest gave up on: list | show ID | redrive ID|--all | purge ID|--all");
  dead_letters->add_option("action", o->action, "list, show, redrive or purge")
      ->required()
      ->check(CLI::IsMember({"list", "show", "redrive", "purge"}));
  dead_letters->add_option("id", o->id, "article id (show, redrive, purge)");
  dead_letters->add_flag("--all", o->all, "every dead letter (redrive, purge)");
  dead_letters->add_flag("--json", o->json, "print JSON lines (list)");
  dead_letters->add_option("--token", o->token,
                           "token of the ingest control socket (default: ingest.api.token of --config)");
  return {dead_letters, [&g, o] { return CmdDeadLetters(g, o->action, o->id, o->all, o->json, o->token); }};
}

Command AddParseFeedCommand(CLI::App& app) {
  struct State {
    std::string file, base_url, format = "newsflow";
    std::vector<std::string> headers;
    bool batch = false;
  };
  auto o = NewState<State>();
  auto* parse_feed =
      app.add_subcommand("parse-feed", "parse an RSS/Atom/JSON feed file and print it as JSON");
  parse_feed->add_option("file", o->file, "feed file (not with --batch)");
  parse_feed->add_option("--url", o->base_url, "the URL the feed was served from (for relative links)");
  parse_feed
      ->add_option("--format", o->format,
                   "output: newsflow (default) or feedparser (Universal Feed Parser's result shape)")
      ->check(CLI::IsMember({"newsflow", "feedparser"}));
  parse_feed->add_option("--header", o->headers,
                         "HTTP response header 'Name: value' (repeatable; feedparser format)");
  parse_feed->add_flag("--batch", o->batch,
                       "feedparser format: JSON lines {id,file,headers,url} on stdin, one result line each");
  return {parse_feed, [o] {
            const bool need_file = o->format != "feedparser" || !o->batch;
            if (need_file && o->file.empty()) {
              return Fail(absl::InvalidArgumentError("a feed file is required"), "parse-feed");
            }
            if (o->format == "feedparser") {
              return ingest::RunFeedparserCommand(o->file, o->headers, o->base_url, o->batch, std::cin,
                                                  std::cout, std::cerr);
            }
            return CmdParseFeed(o->file, o->base_url);
          }};
}

Command AddExtractCommand(CLI::App& app) {
  struct State {
    std::string file;
    bool jsonl = false;
  };
  auto o = NewState<State>();
  auto* extract = app.add_subcommand("extract", "extract the article from an HTML page and print JSON");
  extract->add_option("file", o->file, "HTML file or http(s) URL");
  extract->add_flag("--jsonl", o->jsonl, "read {\"id\",\"html\"} lines on stdin, write one object per line");
  return {extract, [o] {
            if (!o->jsonl && o->file.empty()) {
              std::cerr << "newsflow extract: give a FILE or --jsonl\n";
              return kExitUsage;
            }
            return CmdExtract(o->file, o->jsonl);
          }};
}

// `newsflow enrich`: the options of --config (enrich.categories,
// enrich.user_dictionary) apply when given.
int CmdEnrich(const GlobalOptions& g, const std::string& file, bool jsonl, enrich::EnrichOptions options) {
  if (options.min_tags > options.max_tags) options.min_tags = options.max_tags;
  if (!g.config_path.empty()) {
    auto config = LoadClientConfig(g);
    if (!config.ok()) return Fail(config.status(), "enrich");
    options.categories = config->enrich.categories;
    if (!config->enrich.user_dictionary.empty()) {
      auto words = enrich::ReadWordList(config->enrich.user_dictionary);
      if (!words.ok()) return Fail(words.status(), "enrich");
      options.user_words = *std::move(words);
    }
  }
  if (jsonl) return enrich::RunEnrichJsonl(std::cin, std::cout, std::cerr, options);
  if (file.empty()) {
    std::cerr << "newsflow enrich: give a FILE or --jsonl\n";
    return kExitUsage;
  }
  return enrich::RunEnrichFile(file, options, std::cout, std::cerr);
}

Command AddEnrichCommand(CLI::App& app, const GlobalOptions& g) {
  struct State {
    std::string file;
    bool jsonl = false;
    enrich::EnrichOptions options;
  };
  auto o = NewState<State>();
  auto* enrich_cmd =
      app.add_subcommand("enrich", "enrich a plain-text article (first line: title) and print JSON");
  enrich_cmd->add_option("file", o->file, "text file");
  enrich_cmd->add_flag("--jsonl", o->jsonl,
                       "read {\"id\",\"title\",\"text\"} lines on stdin, one result per line");
  enrich_cmd->add_option("--max-tags", o->options.max_tags, "tags per article")->check(CLI::Range(1, 50));
  enrich_cmd->add_option("--min-tags", o->options.min_tags, "tags at least, when the text has them")
      ->check(CLI::Range(0, 50));
  enrich_cmd->add_option("--summary-sentences", o->options.summary_sentences, "summary length")
      ->check(CLI::Range(1, 50));
  enrich_cmd
      ->add_option("--summary-max-chars", o->options.summary_max_chars,
                   "keep the summary within this many characters (0: no limit)")
      ->check(CLI::Range(0, 100000));
  enrich_cmd->add_option("--key-points", o->options.key_points, "key points")->check(CLI::Range(0, 20));
  return {enrich_cmd, [&g, o] { return CmdEnrich(g, o->file, o->jsonl, o->options); }};
}

struct SearchOptions {
  std::string query;
  store::SearchRequest request;
  bool newest = false;
  bool json = false;
  bool reindex = false;
  std::string load;  // JSONL file of articles to enrich and store, "-" = stdin
};

// Prints one answer: a JSON object (--json), or per hit its score, time,
// title, URL and snippet.
void PrintSearchResult(const store::SearchResult& r, bool json) {
  if (json) {
    std::cout << Dump(store::SearchResultToJson(r)) << "\n";
    return;
  }
  for (const store::SearchHit& h : r.hits) {
    std::cout << fmt::format("{:7.3f}  {}  {}\n         {}\n         {}\n", h.score,
                             FormatRfc3339Utc(h.time_ms), h.title, h.url, h.snippet);
  }
  if (!r.next_cursor.empty()) std::cout << "next: --cursor " << r.next_cursor << "\n";
}

// Brings the search index up to date with the store at `config`, from
// wherever it stopped (all of it for a new index). The store must not run.
absl::StatusOr<uint64_t> CatchUpSearchIndex(const NewsflowConfig& config, const store::ArticleStore& db) {
  auto index = store::SearchIndex::Open(config.store.SearchPath());
  if (!index.ok()) return index.status();
  return (*index)->CatchUpAll(db);
}

// --load: enriches JSON lines {"id", "title", "text", "url"?,
// "published_at_ms"?} and commits them to the store's database, then
// indexes them. For evaluations and trials without running the pipeline;
// the store must not run. An article's URL defaults to
// "urn:newsflow:load:<id>", so a search hit names its input line.
int CmdSearchLoad(const NewsflowConfig& config, const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) return Fail(absl::NotFoundError(path), "search --load");
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::error_code ec;
  std::filesystem::create_directories(config.store.data_dir, ec);
  auto db = store::ArticleStore::Open({config.store.data_dir, /*sync_writes=*/false});
  if (!db.ok()) return Fail(db.status(), "search --load");
  enrich::Enricher enricher(enrich::EnrichOptions{});
  std::vector<v1::Article> batch;
  uint64_t stored = 0;
  auto commit = [&]() -> absl::Status {
    auto results = (*db)->Upsert(batch);
    if (!results.ok()) return results.status();
    for (const auto& r : *results) stored += !r.duplicate;
    batch.clear();
    return absl::OkStatus();
  };
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("text") ||
        !j["text"].is_string()) {
      std::cerr << "newsflow search --load: line " << line_no << ": expected {\"id\", \"title\", \"text\"}\n";
      return kExitUsage;
    }
    const std::string id = j["id"];
    v1::Article a;
    a.set_id(HashHex("load:" + id));
    a.set_title(j.value("title", ""));
    a.set_text(j["text"].get<std::string>());
    a.set_version(HashHex(a.title() + "\n" + a.text()));
    a.set_url(j.value("url", "urn:newsflow:load:" + id));
    a.set_canonical_url(a.url());
    a.set_published_at_ms(j.value("published_at_ms", int64_t{0}));
    a.set_fetched_at_ms(NowMs());
    a.mutable_source()->set_id("load");
    a.mutable_source()->set_kind("load");
    enrich::EnrichArticle(enricher, "newsflow-search-load", &a);
    batch.push_back(std::move(a));
    if (batch.size() >= 256) {
      if (absl::Status s = commit(); !s.ok()) return Fail(s, "search --load");
    }
  }
  if (absl::Status s = commit(); !s.ok()) return Fail(s, "search --load");
  auto indexed = CatchUpSearchIndex(config, **db);
  if (!indexed.ok()) return Fail(indexed.status(), "search --load");
  std::cerr << fmt::format("stored {} articles, indexed {}\n", stored, *indexed);
  return kExitOk;
}

int CmdSearch(const GlobalOptions& g, SearchOptions o) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "search: invalid config");
  if (o.reindex || !o.load.empty()) {
    if (!o.query.empty()) {
      std::cerr << "newsflow search: no QUERY with --reindex or --load\n";
      return kExitUsage;
    }
    if (!o.load.empty()) return CmdSearchLoad(*config, o.load);
    // Needs the store's database to itself: run it with the store stopped.
    auto db = store::ArticleStore::Open({config->store.data_dir, /*sync_writes=*/false});
    if (!db.ok()) return Fail(db.status(), "search --reindex (is the store running?)");
    auto count = store::SearchIndex::Rebuild(**db, config->store.SearchPath());
    if (!count.ok()) return Fail(count.status(), "search --reindex");
    std::cerr << fmt::format("indexed {} articles up to sequence {} in {}\n", *count, (*db)->LastSequence(),
                             config->store.SearchPath());
    return kExitOk;
  }
  // The index is read directly (read-only), also while the store runs.
  o.request.query = o.query;
  o.request.order = o.newest ? store::SearchOrder::kNewest : store::SearchOrder::kRelevance;
  auto result = store::Search(config->store.SearchPath(), o.request);
  if (!result.ok()) return Fail(result.status(), "search");
  PrintSearchResult(*result, o.json);
  return kExitOk;
}

Command AddSearchCommand(CLI::App& app, const GlobalOptions& g) {
  auto o = NewState<SearchOptions>();
  auto* search = app.add_subcommand(
      "search",
      "full-text search of the stored articles (words, \"phrases\", AND/OR/NOT, title:, tag:, lang:)");
  search->add_option("query", o->query, "the query");
  search->add_option("--lang", o->request.lang, "only articles in this language");
  search->add_option("--tag", o->request.tag, "only articles with this tag");
  search->add_option("--source", o->request.source, "only articles from this source id");
  search->add_option("--cluster", o->request.cluster, "only this story's near-duplicates (a cluster_id)");
  search->add_option("--since", o->request.since_ms, "only articles from this time on (ms since the epoch)");
  search->add_option("--until", o->request.until_ms, "only articles before this time (ms since the epoch)");
  search->add_option("--limit", o->request.limit, "hits per page")
      ->check(CLI::Range(std::size_t{1}, store::kMaxSearchPageSize));
  search->add_option("--cursor", o->request.cursor, "continue after an earlier page (its next cursor)");
  search->add_flag("--newest", o->newest, "newest first instead of best first");
  search->add_flag("--json", o->json, "print the answer as JSON");
  search->add_flag("--reindex", o->reindex,
                   "rebuild the search index from the store's database (with the store stopped)");
  search->add_option("--load", o->load,
                     "enrich JSON lines {\"id\",\"title\",\"text\"} from FILE (- = stdin) into the store's "
                     "database and index them (with the store stopped)");
  return {search, [&g, o] { return CmdSearch(g, *o); }};
}

struct RelatedCliOptions {
  std::string id;
  uint32_t limit = 0;  // 0 = the store's default
  bool json = false;
  bool all = false;
};

store::RelatedOptions RelatedOptionsFor(const StoreConfig& c) {
  return {.limit = c.related_limit, .window_ms = c.related_window_ms, .cache_ms = 0};
}

// --all: every stored article with its related articles, one JSON line
// each, read from the database and the search index directly (the store
// must not run). For evaluations; the time per article goes to stderr.
int CmdRelatedAll(const NewsflowConfig& config, const RelatedCliOptions& o) {
  auto db = store::ArticleStore::Open({config.store.data_dir, /*sync_writes=*/false});
  if (!db.ok()) return Fail(db.status(), "related --all (is the store running?)");
  store::RelatedFinder finder(**db, config.store.SearchPath(), RelatedOptionsFor(config.store));
  uint64_t after = 0;
  uint64_t count = 0;
  double seconds = 0;
  bool more = true;
  while (more) {
    auto page = (*db)->Since(after, 500, &more);
    if (!page.ok()) return Fail(page.status(), "related --all");
    for (const v1::Article& a : *page) {
      after = std::max(after, a.sequence());
      const auto t0 = std::chrono::steady_clock::now();
      auto r = finder.Find(a, o.limit);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!r.ok()) return Fail(r.status(), "related --all");
      google::protobuf::RepeatedPtrField<v1::RelatedArticle> related(r->related.begin(), r->related.end());
      google::protobuf::RepeatedPtrField<v1::RelatedArticle> others(r->other_sources.begin(),
                                                                    r->other_sources.end());
      nlohmann::json line = store::RelatedToJson(related, others);
      line["id"] = a.id();
      line["url"] = a.url();
      line["title"] = a.title();
      line["cluster_id"] = a.cluster_id();
      line["fingerprint"] = fmt::format("{:016x}", a.enrichment().fingerprint());
      line["indexed"] = r->indexed;
      std::cout << Dump(line) << "\n";
      ++count;
    }
  }
  std::cerr << fmt::format("related: {} articles, {:.2f} ms each\n", count,
                           count > 0 ? seconds * 1000 / static_cast<double>(count) : 0.0);
  return kExitOk;
}

int CmdRelated(const GlobalOptions& g, const RelatedCliOptions& o) {
  auto config = LoadClientConfig(g);
  if (!config.ok()) return Fail(config.status(), "related: invalid config");
  if (o.all != o.id.empty()) {
    std::cerr << "newsflow related: give an article ID or --all\n";
    return kExitUsage;
  }
  if (o.all) return CmdRelatedAll(*config, o);
  zmq::context_t context(1);
  v1::QueryRequest q;
  q.set_limit(o.limit);
  q.set_related_id(o.id);
  auto r = StoreQuery(*config, context, q);
  if (!r.ok()) return Fail(r.status(), "related");
  if (o.json) {
    std::cout << Dump(store::RelatedToJson(r->related(), r->other_sources())) << "\n";
    return kExitOk;
  }
  for (const auto& a : r->related()) {
    std::cout << fmt::format("{:6.3f}  {}  {}\n        {}\n", a.score(), FormatRfc3339Utc(a.time_ms()),
                             a.title(), a.url());
  }
  if (!r->other_sources().empty()) std::cout << "other sources:\n";
  for (const auto& a : r->other_sources()) {
    std::cout << fmt::format("        {}  {}  {}\n", FormatRfc3339Utc(a.time_ms()), a.source_id(), a.url());
  }
  return kExitOk;
}

Command AddRelatedCommand(CLI::App& app, const GlobalOptions& g) {
  auto o = NewState<RelatedCliOptions>();
  auto* related = app.add_subcommand(
      "related", "articles related to a stored one (not its near-duplicates, which are other sources)");
  related->add_option("id", o->id, "article id");
  related->add_option("--limit", o->limit, "at most this many related articles")
      ->check(CLI::Range(uint32_t{1}, static_cast<uint32_t>(store::kMaxRelated)));
  related->add_flag("--json", o->json, "print the answer as JSON");
  related->add_flag("--all", o->all,
                    "every stored article with its related ones as JSON lines, read from the database "
                    "(with the store stopped)");
  return {related, [&g, o] { return CmdRelated(g, *o); }};
}

Command AddBackupCommand(CLI::App& app, const GlobalOptions& g) {
  auto dir = std::make_shared<std::string>();
  auto* backup = app.add_subcommand(
      "backup", "make an online backup of the running store's database into DIR (new or empty)");
  backup
      ->add_option("dir", *dir,
                   "backup folder in the store's store.backup.dir (relative to it, or inside it)")
      ->required();
  return {backup, [&g, dir] { return CmdBackup(g, *dir); }};
}

Command AddRestoreCommand(CLI::App& app, const GlobalOptions& g) {
  auto dir = std::make_shared<std::string>();
  auto* restore = app.add_subcommand(
      "restore",
      "put a backup made by `newsflow backup` in place of store.data_dir (with the store stopped)");
  restore->add_option("dir", *dir, "backup folder")->required();
  return {restore, [&g, dir] { return CmdRestore(g, *dir); }};
}

Command AddStatusCommand(CLI::App& app, const GlobalOptions& g) {
  auto* status = app.add_subcommand(
      "status", "health, readiness, rates and queue depths of the running daemons (from their HTTP servers)");
  auto o = std::make_shared<StatusOptions>();
  status->add_option("--url", o->urls,
                     "DAEMON=http://HOST:PORT: check this address (repeatable; replaces the config's)");
  status->add_option("--interval", o->interval_s, "seconds between the two scrapes the rates come from")
      ->check(CLI::Range(0.0, 60.0));
  status->add_flag("--json", o->json, "one JSON object per daemon");
  return {status, [&g, o] {
            auto config = LoadClientConfig(g);
            if (!config.ok()) return Fail(config.status(), "status");
            return RunStatus(*config, *o);
          }};
}

int CmdKeygen() {
  char public_key[41] = {};
  char secret_key[41] = {};
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    std::cerr << "newsflow keygen: this libzmq was built without CURVE support\n";
    return kExitFailure;
  }
  std::cout << "curve_public_key: \"" << public_key << "\"\ncurve_secret_key: \"" << secret_key << "\"\n";
  return kExitOk;
}

int CmdCheckConfig(const GlobalOptions& g) {
  if (g.config_path.empty()) {
    std::cerr << "newsflow check-config: --config FILE is required\n";
    return kExitUsage;
  }
  auto config = LoadConfig(g.config_path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << "config ok\n";
  return kExitOk;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"newsflow: a streaming news-article pipeline (ingest -> enrich -> store)"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  GlobalOptions g;
  app.add_option("-c,--config", g.config_path, "YAML config file (see deploy/config/newsflow.yaml)");
  app.add_option("--data-dir", g.data_dir, "override data_dir");
  app.add_option("--log-level", g.log_level, "trace|debug|info|warn|error|off");

  const std::vector<Command> commands = {
      AddRunCommand(app, g),
      AddSubscribeCommand(app, g),
      AddGetCommand(app, g),
      AddQueryCommand(app, g),
      AddTagsCommand(app, g),
      AddTrendingCommand(app, g),
      AddFeedsCommand(app, g),
      AddDeadLettersCommand(app, g),
      AddParseFeedCommand(app),
      AddExtractCommand(app),
      AddEnrichCommand(app, g),
      AddSearchCommand(app, g),
      AddRelatedCommand(app, g),
      AddBackupCommand(app, g),
      AddRestoreCommand(app, g),
      AddStatusCommand(app, g),
      {app.add_subcommand("check-config", "validate a config file and exit"),
       [&g] { return CmdCheckConfig(g); }},
      {app.add_subcommand("keygen", "print a new CurveZMQ key pair (Z85) for encrypted links"), CmdKeygen},
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!g.log_level.empty() || g.config_path.empty()) {
    LoggingConfig logging;
    logging.level = g.log_level.empty() ? "warn" : g.log_level;
    (void)InitLogging(logging);  // stderr only: cannot fail
  }
  for (const Command& command : commands) {
    if (*command.app) return command.run();
  }
  return kExitUsage;
}

}  // namespace newsflow::cli
