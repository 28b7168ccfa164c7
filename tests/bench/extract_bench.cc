// ExtractArticle on generated news pages of growing size: navigation, a share
// bar, N paragraphs of article text, a related-links list, comments and a
// footer, plus inline scripts and styles as real pages have.
#include <benchmark/benchmark.h>

#include <string>

#include "services/ingest/extract/article_extractor.h"

namespace {

std::string GeneratedPage(int paragraphs) {
  std::string page =
      "<!DOCTYPE html><html lang=\"en\"><head><title>Generated page</title>"
      "<meta property=\"og:title\" content=\"Generated\">"
      "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":"
      "\"2024-01-02T03:04:05Z\",\"author\":{\"name\":\"A. Writer\"}}</script>"
      "<style>body{font-family:serif}.x{color:red}</style>"
      "<script>window.dataLayer=[];function f(a,b){return a<b;}</script></head><body>"
      "<header class=\"masthead\"><nav><ul>";
  for (int i = 0; i < 30; ++i) {
    page += "<li><a href=\"/section/" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a></li>";
  }
  page +=
      "</ul></nav></header><div class=\"share-tools\"><a href=\"#\">Share</a></div>"
      "<main><article><h1>Generated page</h1><div class=\"story-body\">";
  for (int i = 0; i < paragraphs; ++i) {
    page += "<p>Paragraph " + std::to_string(i) +
            " reports, with the usual caution, that the committee met again on Monday, "
            "discussed the <a href=\"/budget\">budget</a>, and agreed on a timetable for the "
            "next steps of the project.</p>";
    if (i % 7 == 6) page += "<div class=\"ad-slot\"><script>load(" + std::to_string(i) + ")</script></div>";
  }
  page += "</div></article><div class=\"related\"><ul>";
  for (int i = 0; i < 10; ++i) {
    page += "<li><a href=\"/story/" + std::to_string(i) + "\">Another story headline number " +
            std::to_string(i) + "</a></li>";
  }
  page +=
      "</ul></div><section id=\"comments\"><p>First comment, short and loud.</p></section>"
      "</main><footer><p>Copyright, all rights reserved.</p></footer></body></html>";
  return page;
}

void BM_ExtractArticle(benchmark::State& state) {
  const std::string page = GeneratedPage(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto article = newsflow::ingest::ExtractArticle(page, "https://example.com/news/1");
    benchmark::DoNotOptimize(article);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(page.size()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExtractArticle)->Arg(10)->Arg(50)->Arg(200)->Arg(1000);

}  // namespace
BENCHMARK_MAIN();
