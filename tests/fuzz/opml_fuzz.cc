// libFuzzer target for OPML import: any byte string given to ParseOpml is a
// feed list or an error, never a crash, a sanitizer report or a hang; a feed
// list it returns survives WriteOpml and ParseOpml again with the same URLs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/ingest/opml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto feeds = newsflow::ingest::ParseOpml(input);
  if (!feeds.ok()) return 0;
  auto again = newsflow::ingest::ParseOpml(newsflow::ingest::WriteOpml(*feeds, "fuzz"));
  if (!again.ok() || again->size() != feeds->size()) std::abort();
  for (std::size_t i = 0; i < feeds->size(); ++i) {
    if ((*again)[i].url() != (*feeds)[i].url()) std::abort();
  }
  return 0;
}
