// newsflow-store: commits enriched articles, acks them, publishes the stream
// and answers queries. All logic lives in newsflow_store_lib.
#include "common/runtime/service_main.h"
#include "services/store/store_service.h"

int main(int argc, char** argv) {
  bool reindex = false;
  return newsflow::RunService(
      argc, argv, "store",
      [&reindex](const newsflow::NewsflowConfig& config, zmq::context_t& context) {
        return newsflow::store::MakeStoreServiceWithOptions(config, context, {.reindex = reindex});
      },
      {{"--reindex", "rebuild the search index from the article database, then run", &reindex}});
}
