// libFuzzer target for the feed parser and the feed HTML handling: any byte
// string given to ParseFeed, SanitizeHtml or HtmlToText returns a result or
// an error, never a crash, a sanitizer report or a hang; every string of a
// parsed feed is valid UTF-8 (the parser is where feed text enters; later
// stages do not check again). A fourth mode checks
// the fast XML parser against libxml2: a document it accepts must be one
// libxml2 finds well-formed, with the same tree. The first byte picks the
// mode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <cstdlib>
#include <optional>

#include "common/util/utf8.h"
#include "services/ingest/feed/charset.h"
#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed/html_text.h"
#include "tests/services/ingest/feed/xml_tree_compare.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 4;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t touched = 0;
  switch (mode) {
    case 0: {
      auto feed = newsflow::ingest::ParseFeed(input, "https://example.com/feed/");
      if (feed.ok()) {
        if (!newsflow::IsValidUtf8(feed->title) || !newsflow::IsValidUtf8(feed->language)) std::abort();
        for (const auto& item : feed->items) {
          for (const std::string* field : {&item.title, &item.link, &item.guid, &item.author, &item.text,
                                           &item.summary_html, &item.language}) {
            if (!newsflow::IsValidUtf8(*field)) std::abort();
          }
          for (const std::string& c : item.categories) {
            if (!newsflow::IsValidUtf8(c)) std::abort();
          }
          touched += item.text.size() + item.summary_html.size();
        }
      }
      break;
    }
    case 1:
      touched = newsflow::ingest::SanitizeHtml(input, "https://example.com/a/").size();
      break;
    case 2:
      touched = newsflow::ingest::HtmlToText(input).size();
      break;
    default: {
      if (!newsflow::IsValidUtf8(input)) break;
      std::optional<std::string> fast = newsflow::ingest::xml::testing::FastTree(input);
      if (!fast) break;
      std::optional<std::string> reference = newsflow::ingest::xml::testing::LibxmlTree(input);
      if (!reference || *reference != *fast) std::abort();
      touched = fast->size();
      break;
    }
  }
  // Keep the work from being optimised away.
  volatile size_t sink = touched;
  (void)sink;
  return 0;
}
