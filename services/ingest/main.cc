// newsflow-ingest: polls feeds and the drop folder, and delivers accepted
// articles through its outbox. All logic lives in newsflow_ingest_lib.
#include "common/runtime/service_main.h"
#include "services/ingest/ingest_service.h"

int main(int argc, char** argv) {
  return newsflow::RunService(argc, argv, "ingest", &newsflow::ingest::MakeIngestService);
}
