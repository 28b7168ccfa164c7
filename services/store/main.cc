// newsflow-store: commits enriched articles, acks them, publishes the stream
// and answers queries. All logic lives in newsflow_store_lib.
#include "common/runtime/service_main.h"
#include "services/store/store_service.h"

int main(int argc, char** argv) {
  return newsflow::RunService(argc, argv, "store", &newsflow::store::MakeStoreService);
}
