// libFuzzer target: any byte string given to ExtractArticle returns a result
// or an error, never a crash, a sanitizer report or a hang, and every string
// of a result is valid UTF-8 (the extractor is where page text enters; later
// stages do not check again). The first byte picks the Content-Type charset
// so the decoders are exercised too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <cstdlib>

#include "common/util/utf8.h"
#include "services/ingest/extract/article_extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kContentTypes[] = {"",
                                                       "text/html; charset=utf-8",
                                                       "text/html; charset=gbk",
                                                       "text/html; charset=big5",
                                                       "text/html; charset=windows-1252",
                                                       "text/html; charset=utf-16le",
                                                       "text/html; charset=bogus"};
  std::string_view content_type;
  if (size > 0) {
    content_type = kContentTypes[data[0] % std::size(kContentTypes)];
    ++data;
    --size;
  }
  std::string_view html(reinterpret_cast<const char*>(data), size);
  auto article = newsflow::ingest::ExtractArticle(html, "https://example.com/a/b", content_type);
  if (article.ok()) {
    for (const std::string* field :
         {&article->title, &article->text, &article->html, &article->author, &article->canonical_url,
          &article->site_name, &article->language, &article->image}) {
      if (!newsflow::IsValidUtf8(*field)) std::abort();
    }
  }
  return 0;
}
