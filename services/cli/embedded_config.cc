#include "services/cli/embedded_config.h"

#include <algorithm>
#include <filesystem>

namespace newsflow::cli {

namespace fs = std::filesystem;

void MakeEmbedded(NewsflowConfig* c) {
  c->ingest.articles = MakeEndpoint("inproc://newsflow-articles", true, c->ingest.articles.hwm);
  c->enrich.input = MakeEndpoint("inproc://newsflow-articles", false, c->enrich.input.hwm);
  c->store.input = MakeEndpoint("inproc://newsflow-enriched", true, c->store.input.hwm);
  c->enrich.output = MakeEndpoint("inproc://newsflow-enriched", false, c->enrich.output.hwm);
  c->store.acks = MakeEndpoint("inproc://newsflow-acks", true, c->store.acks.hwm);
  c->ingest.acks = MakeEndpoint("inproc://newsflow-acks", false, c->ingest.acks.hwm);
  c->store.term_counts = MakeEndpoint("inproc://newsflow-term-counts", true, c->store.term_counts.hwm);
  c->enrich.term_counts_stream =
      MakeEndpoint("inproc://newsflow-term-counts", false, c->enrich.term_counts_stream.hwm);
}

std::string FindSamplesDir() {
  std::error_code ec;
  if (fs::is_directory("samples/feeds", ec)) return "samples";
#ifdef NEWSFLOW_SOURCE_DIR
  fs::path built_from = fs::path(NEWSFLOW_SOURCE_DIR) / "samples";
  if (fs::is_directory(built_from / "feeds", ec)) return built_from.string();
#endif
  return "";
}

NewsflowConfig EmbeddedDefaultConfig(const std::string& data_dir) {
  NewsflowConfig c = DefaultConfig();
  if (!data_dir.empty()) c.data_dir = data_dir;
  c.ingest.data_dir = c.data_dir + "/ingest";
  c.store.data_dir = c.data_dir + "/store";
  c.enrich.journal_dir = c.data_dir + "/enrich-journal";
  MakeEmbedded(&c);
  std::string samples = FindSamplesDir();
  if (samples.empty()) return c;
  std::vector<std::string> feeds;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(samples) / "feeds", ec)) {
    if (entry.path().extension() == ".xml") feeds.push_back(entry.path().string());
  }
  std::sort(feeds.begin(), feeds.end());
  for (const auto& f : feeds) c.ingest.feeds.push_back({f, 0});
  // The bundled feeds are local files: the operator's opt-in for their folder.
  c.ingest.file_feeds_allowed_under = (fs::path(samples) / "feeds").string();
  fs::path drop_samples = fs::path(samples) / "drop";
  if (fs::is_directory(drop_samples, ec)) {
    // Ingest moves what it reads, so it reads a copy, never the repository.
    fs::path drop = fs::path(c.data_dir) / "drop";
    fs::create_directories(drop, ec);
    for (const auto& entry : fs::directory_iterator(drop_samples, ec)) {
      if (!entry.is_regular_file()) continue;
      fs::path processed = drop / "processed" / entry.path().filename();
      if (!fs::exists(processed, ec)) {
        fs::copy_file(entry.path(), drop / entry.path().filename(), fs::copy_options::skip_existing, ec);
      }
    }
    c.ingest.drop_dir = drop.string();
  }
  return c;
}

}  // namespace newsflow::cli
