// The configuration of `newsflow run` when no --config is given: all three
// services in one process, linked over inproc://, with the outward-facing
// sockets (stream, queries, feed control, HTTP) on loopback TCP so that
// `newsflow subscribe|get|query|feeds` work against it from another shell.
// deploy/config/embedded.yaml spells out the same settings as a file.
#ifndef NEWSFLOW_SERVICES_CLI_EMBEDDED_CONFIG_H_
#define NEWSFLOW_SERVICES_CLI_EMBEDDED_CONFIG_H_

#include <string>

#include "common/config/newsflow_config.h"

namespace newsflow::cli {

// Rewires `config` for one process: the internal links become inproc://.
void MakeEmbedded(NewsflowConfig* config);

// The sample feeds bundled in the repository (samples/feeds), found relative
// to the working directory, else to the source tree this binary was built
// from. Empty if neither exists.
std::string FindSamplesDir();

// The embedded default: DefaultConfig() with `data_dir` (when not empty) +
// MakeEmbedded() + the bundled sample feeds (with their folder as
// ingest.fetch.file_feeds_allowed_under, so they are the only local files
// ingest may read as feeds) + a drop folder at
// <data_dir>/drop seeded with a copy of the sample drop files.
NewsflowConfig EmbeddedDefaultConfig(const std::string& data_dir);

}  // namespace newsflow::cli

#endif  // NEWSFLOW_SERVICES_CLI_EMBEDDED_CONFIG_H_
