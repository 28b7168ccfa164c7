// Feed parsing micro-benchmarks: the newsflow model (ParseFeed) and the
// feedparser-compatible output mode (ParseFeedparserFormat) on a generated
// RSS 2.0 feed and on a small Atom feed.
#include <benchmark/benchmark.h>

#include <string>

#include "services/ingest/feed/feed_parser.h"
#include "services/ingest/feed/feedparser_format.h"

namespace {

std::string GeneratedRss(int items) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" "
      "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Bench</title>"
      "<link>http://example.com/</link><description>d</description>";
  for (int i = 0; i < items; ++i) {
    std::string n = std::to_string(i);
    xml += "<item><title>Item " + n + " &amp; more</title><link>http://example.com/a/" + n +
           "</link><guid>http://example.com/a/" + n +
           "</guid><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><category>c</category>"
           "<description>&lt;p&gt;Summary &lt;a href=\"/r/" + n +
           "\"&gt;link&lt;/a&gt;&lt;/p&gt;</description><content:encoded><![CDATA[<p>Body " + n +
           " <b>bold</b> <img src=\"/i.png\" onload=\"x()\"/><script>bad()</script></p>]]>"
           "</content:encoded></item>";
  }
  return xml + "</channel></rss>";
}

const char kSmallAtom[] =
    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><entry><id>urn:1</id>"
    "<title type=\"html\">a &amp;lt;b&amp;gt;</title><link href=\"http://example.com/\"/>"
    "<updated>2003-12-31T10:14:55Z</updated><summary>s</summary></entry></feed>";

void BM_ParseFeedparserFormatRss(benchmark::State& state) {
  std::string xml = GeneratedRss(static_cast<int>(state.range(0)));
  newsflow::ingest::FeedparserOptions options;
  for (auto _ : state) {
    benchmark::DoNotOptimize(newsflow::ingest::ParseFeedparserFormat(xml, options));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(xml.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseFeedparserFormatRss)->Arg(100)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ParseFeedRss(benchmark::State& state) {
  std::string xml = GeneratedRss(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(newsflow::ingest::ParseFeed(xml));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(xml.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseFeedRss)->Arg(100)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ParseFeedparserFormatSmallAtom(benchmark::State& state) {
  newsflow::ingest::FeedparserOptions options;
  for (auto _ : state) benchmark::DoNotOptimize(newsflow::ingest::ParseFeedparserFormat(kSmallAtom, options));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseFeedparserFormatSmallAtom);

}  // namespace

BENCHMARK_MAIN();
