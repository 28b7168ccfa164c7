// newsflow-enrich: a stateless enrichment worker; run as many as the load
// needs. All logic lives in newsflow_enrich_lib.
#include "common/runtime/service_main.h"
#include "services/enrich/enrich_service.h"

int main(int argc, char** argv) {
  return newsflow::RunService(argc, argv, "enrich", &newsflow::enrich::MakeEnrichService);
}
