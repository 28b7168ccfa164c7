// newsflow-enrich: a stateless worker. Each of `enrich.threads` threads owns
// a PULL socket connected to ingest, a PUSH socket connected to the store and
// its own Enricher; it takes one article at a time, adds language, tags,
// summary, key points and fingerprint, and passes it on. A full PUSH queue
// holds the article (backpressure). Run as many processes, on as many hosts,
// as the load needs: PUSH/PULL spreads articles over them, and the ingest
// outbox resends whatever a lost worker held.
//
// Poisonous articles: enrichment analyses capped sizes (enrich.limits), an
// article over enrich.article_budget_ms is not stored but reported, and a
// watchdog stops the process at enrich.watchdog_ms. Each thread records the
// article it works on in a journal (services/enrich/article_journal.h); a
// worker restarted after a crash on an article finds it there. Either way
// the worker quarantines the article (never enriches that id + version
// again) and sends an EnrichFailure to the store, which forwards it to the
// article's ingest as a failed Ack: ingest dead-letters it with the reason
// instead of resending it to the next worker.
#ifndef NEWSFLOW_SERVICES_ENRICH_ENRICH_SERVICE_H_
#define NEWSFLOW_SERVICES_ENRICH_ENRICH_SERVICE_H_

#include <chrono>
#include <memory>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "common/config/newsflow_config.h"
#include "common/runtime/service.h"
#include "newsflow/v1/article.pb.h"
#include "services/enrich/core/enricher.h"

namespace newsflow::enrich {

absl::StatusOr<std::unique_ptr<Service>> MakeEnrichService(const NewsflowConfig& config,
                                                           zmq::context_t& context);

EnrichOptions OptionsFromConfig(const EnrichConfig& config);

// Runs `enricher` over the article's title and text and stores the result in
// its enrichment (tag keys = TagKey(name)).
void EnrichArticle(Enricher& enricher, const std::string& worker_id, v1::Article* article);
// The same within a time budget: kDeadlineExceeded (article unchanged) when
// enrichment runs past `deadline` (see Enricher::Enrich).
absl::Status EnrichArticle(Enricher& enricher, const std::string& worker_id, v1::Article* article,
                           std::chrono::steady_clock::time_point deadline);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_ENRICH_SERVICE_H_
