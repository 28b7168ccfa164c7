// Feed parsing micro-benchmarks: the newsflow model (ParseFeed, with and
// without the typed details) and the feedparser-compatible output mode
// (ParseFeedparserFormat) on a generated RSS 2.0 feed, on one whose items
// carry full HTML article bodies, and on a small Atom feed.
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
           "<description>&lt;p&gt;Summary &lt;a href=\"/r/" +
           n + "\"&gt;link&lt;/a&gt;&lt;/p&gt;</description><content:encoded><![CDATA[<p>Body " + n +
           " <b>bold</b> <img src=\"/i.png\" onload=\"x()\"/><script>bad()</script></p>]]>"
           "</content:encoded></item>";
  }
  return xml + "</channel></rss>";
}

// Items with article bodies in the markup news sites publish: paragraphs
// with links and entities, a figure, a list, a quote, an embedded video.
std::string GeneratedHtmlRss(int items) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" "
      "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>News</title>"
      "<link>https://news.example.com/</link><description>d</description>";
  const std::string paragraph =
      "<p>Officials said on Monday that the council&#8217;s new plan would &#8220;cut waiting "
      "times&#8221; for <a href=\"https://news.example.com/2026/11/plan/\" target=\"_blank\" "
      "rel=\"noopener\">the city&#8217;s clinics</a> by <strong>a third</strong> over two "
      "years, according to the report published this week.</p>\n";
  for (int i = 0; i < items; ++i) {
    std::string n = std::to_string(i);
    std::string body = paragraph + paragraph +
                       "<figure class=\"wp-block-image\"><img loading=\"lazy\" width=\"1024\" "
                       "height=\"683\" src=\"/uploads/photo-" +
                       n + ".jpg\" alt=\"Photo " + n + "\" srcset=\"/uploads/photo-" + n +
                       "-300.jpg 300w\" /><figcaption>Photo: "
                       "Jo&nbsp;Doe</figcaption></figure>\n<h2>What changes</h2>" +
                       paragraph +
                       "<ul><li>First point</li><li>Second <em>point</em></li></ul>"
                       "<blockquote><p>It&#8217;s a start.</p><cite>A minister</cite></blockquote>"
                       "<iframe src=\"https://video.example.com/embed/" +
                       n + "\" allowfullscreen></iframe>" + paragraph;
    xml += "<item><title>Council plan " + n +
           " cuts waiting times</title>"
           "<link>https://news.example.com/2026/11/item-" +
           n +
           "/</link>"
           "<guid isPermaLink=\"false\">https://news.example.com/?p=" +
           n +
           "</guid>"
           "<pubDate>Mon, 30 Nov 2026 07:00:00 +0000</pubDate><category>Health</category>"
           "<description><![CDATA[<p>Officials said the plan would cut waiting times "
           "[&#8230;]</p>]]></description><content:encoded><![CDATA[" +
           body + "]]></content:encoded></item>";
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

void BM_ParseFeedHtmlRss(benchmark::State& state) {
  std::string xml = GeneratedHtmlRss(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(newsflow::ingest::ParseFeed(xml));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(xml.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseFeedHtmlRss)->Arg(200)->Unit(benchmark::kMillisecond);

// The same feed with the typed model (feed_model.h) filled as well: what a
// consumer beyond the pipeline pays for links, enclosures, people, tags and
// the unsanitised texts.
void BM_ParseFeedHtmlRssDetails(benchmark::State& state) {
  std::string xml = GeneratedHtmlRss(static_cast<int>(state.range(0)));
  newsflow::ingest::FeedParseOptions options;
  options.details = true;
  for (auto _ : state) benchmark::DoNotOptimize(newsflow::ingest::ParseFeed(xml, "", options));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(xml.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseFeedHtmlRssDetails)->Arg(200)->Unit(benchmark::kMillisecond);

void BM_ParseFeedparserFormatSmallAtom(benchmark::State& state) {
  newsflow::ingest::FeedparserOptions options;
  for (auto _ : state) benchmark::DoNotOptimize(newsflow::ingest::ParseFeedparserFormat(kSmallAtom, options));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseFeedparserFormatSmallAtom);

}  // namespace

BENCHMARK_MAIN();
