#include "services/ingest/extract/article_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace newsflow::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Five paragraphs of ordinary prose, long enough to win over page furniture.
std::string Paragraphs() {
  return "<p>The city council voted on Tuesday to expand the bicycle network, adding forty "
         "kilometres of protected lanes over the next three years, according to the plan.</p>"
         "<p>Supporters said the lanes would make cycling safer for children, commuters and "
         "delivery riders, while opponents worried about parking, traffic and costs.</p>"
         "<h2>What changes first</h2>"
         "<p>The first lanes, on the river road and the market street, will open in spring, "
         "the transport department said, with the rest following in stages.</p>"
         "<p>Residents can comment on the detailed designs until the end of the month, either "
         "online, by post, or at two public meetings in the town hall.</p>"
         "<p>The council will review the programme after the first year, looking at accident "
         "figures, cycling counts and the effect on local shops.</p>";
}

std::string NewsPage(const std::string& head_extra, const std::string& article_extra) {
  return "<!DOCTYPE html><html lang=\"en-GB\"><head><title>Council expands bike lanes | "
         "Town Times</title>" +
         head_extra +
         "</head><body>"
         "<header class=\"site-header\"><a href=\"/\">Town Times</a></header>"
         "<nav><ul><li><a href=\"/news\">News</a></li><li><a href=\"/sport\">Sport</a></li>"
         "</ul></nav>"
         "<div class=\"cookie-banner\">We use cookies to improve your experience, accept them "
         "all or manage your settings here.</div>"
         "<main><article><h1>Council expands bike lanes</h1>"
         "<div class=\"byline\">By Jane Reporter</div>"
         "<div class=\"share-bar\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Tweet</a>"
         "</div>"
         "<div class=\"article-body\">" +
         Paragraphs() + article_extra +
         "</div>"
         "<div class=\"newsletter-signup\"><p>Sign up for our daily newsletter, with all the "
         "news from the town, every morning in your inbox.</p></div>"
         "</article>"
         "<div class=\"related-stories\"><h3>Related</h3><ul>"
         "<li><a href=\"/a\">Bus fares to rise in January after council vote</a></li>"
         "<li><a href=\"/b\">New bridge opens to pedestrians and cyclists this week</a></li>"
         "<li><a href=\"/c\">Market street closed for repairs over the weekend</a></li>"
         "</ul></div>"
         "<section id=\"comments\"><p>Great news, about time, I have waited for this for "
         "years and years, thank you council!</p></section></main>"
         "<footer><p>Copyright Town Times, all rights reserved, registered in the town.</p>"
         "</footer></body></html>";
}

TEST(ExtractArticleTest, KeepsParagraphsAndDropsBoilerplate) {
  auto a = ExtractArticle(NewsPage("",
                                   "<p>The post Council expands bike lanes appeared first "
                                   "on Town Times.</p>"),
                          "https://town.example/news/bikes");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->text, HasSubstr("The city council voted on Tuesday"));
  EXPECT_THAT(a->text, HasSubstr("effect on local shops."));
  EXPECT_THAT(a->text, HasSubstr("according to the plan.\n\nSupporters said"));
  EXPECT_THAT(a->text, HasSubstr("What changes first"));
  for (const char* boilerplate : {"Sport", "cookies", "Share on Facebook", "Sign up", "Bus fares",
                                  "Great news", "Copyright", "appeared first on", "By Jane Reporter"}) {
    EXPECT_THAT(a->text, Not(HasSubstr(boilerplate))) << boilerplate;
  }
  // The headline is the title, not body text.
  EXPECT_EQ(a->title, "Council expands bike lanes | Town Times");
  EXPECT_THAT(a->text, Not(HasSubstr("Council expands bike lanes")));
  EXPECT_EQ(a->language, "en-GB");
  EXPECT_EQ(a->canonical_url, "https://town.example/news/bikes");
}

TEST(ExtractArticleTest, HtmlIsSanitised) {
  auto a = ExtractArticle(NewsPage("",
                                   "<p onclick=\"steal()\">A link to <a href=\"/plan.pdf\" "
                                   "onmouseover=\"x()\">the full plan</a> and <a "
                                   "href=\"javascript:alert(1)\">more</a> is online now.</p>"),
                          "https://town.example/news/bikes");
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->html, HasSubstr("<p>The city council voted"));
  EXPECT_THAT(a->html, HasSubstr("<a href=\"https://town.example/plan.pdf\">the full plan</a>"));
  EXPECT_THAT(a->html, Not(HasSubstr("onclick")));
  EXPECT_THAT(a->html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(a->html, Not(HasSubstr("<script")));
}

TEST(ExtractArticleTest, MetadataFromJsonLd) {
  std::string ld =
      "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
      "{\"@type\":\"WebSite\",\"name\":\"Town Times\"},"
      "{\"@type\":\"NewsArticle\",\"headline\":\"Bike lanes for the town\","
      "\"datePublished\":\"2024-03-05T08:30:00Z\",\"dateModified\":\"2024-03-06T10:00:00+01:00\","
      "\"author\":[{\"@type\":\"Person\",\"name\":\"Jane Reporter\"},{\"name\":\"Sam Editor\"}],"
      "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Town Times Ltd\"},"
      "\"image\":{\"@type\":\"ImageObject\",\"url\":\"/img/lanes.jpg\"}}]}</script>"
      "<link rel=\"canonical\" href=\"/news/bikes\">";
  auto a = ExtractArticle(NewsPage(ld, ""), "https://town.example/news/bikes?utm_source=x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->title, "Bike lanes for the town");
  EXPECT_EQ(a->author, "Jane Reporter, Sam Editor");
  EXPECT_EQ(a->published_ms, 1709627400000);
  EXPECT_EQ(a->updated_ms, 1709715600000);
  EXPECT_EQ(a->site_name, "Town Times Ltd");
  EXPECT_EQ(a->image, "https://town.example/img/lanes.jpg");
  EXPECT_EQ(a->canonical_url, "https://town.example/news/bikes");
}

TEST(ExtractArticleTest, MetadataFromMetaTagsAndTime) {
  std::string meta =
      "<meta property=\"og:title\" content=\"Bikes &amp; lanes\">"
      "<meta property=\"og:site_name\" content=\"Town Times\">"
      "<meta property=\"og:image\" content=\"https://cdn.example/l.jpg\">"
      "<meta name=\"author\" content=\"Jane Reporter\">"
      "<meta property=\"article:modified_time\" content=\"2024-03-06T09:00:00Z\">";
  auto a = ExtractArticle(
      NewsPage(meta, "<p>Published <time datetime=\"2024-03-05T08:30:00Z\">5 March</time>.</p>"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->title, "Bikes & lanes");
  EXPECT_EQ(a->site_name, "Town Times");
  EXPECT_EQ(a->image, "https://cdn.example/l.jpg");
  EXPECT_EQ(a->author, "Jane Reporter");
  EXPECT_EQ(a->published_ms, 1709627400000);
  EXPECT_EQ(a->updated_ms, 1709715600000);
}

TEST(ExtractArticleTest, JsonLdArticleBodyFillsInForAThinDom) {
  // The page shows a short teaser; the full text is only in JSON-LD, whose
  // opening matches the teaser.
  std::string body;
  for (int i = 0; i < 8; ++i) {
    body += "Paragraph " + std::to_string(i) +
            " of the report explains the decision of the council in some detail.\\n";
  }
  std::string page =
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
      "\"articleBody\":\"" +
      body +
      "\"}</script></head><body><div class=\"teaser\">"
      "<p>Paragraph 0 of the report explains the decision of the council in some detail.</p>"
      "<p>Paragraph 1 of the report explains the decision of the council in some detail.</p>"
      "</div><div class=\"subscribe\"><p>Subscribe to read the rest.</p></div></body></html>";
  auto a = ExtractArticle(page);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->text, HasSubstr("Paragraph 7 of the report"));
}

std::string ToCharset(const std::string& utf8, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(charset, "utf-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(n);
  return out;
}

std::string ChinesePage(const std::string& meta) {
  std::string p =
      "<p>\xE5\x9F\x8E\xE5\xB8\x82\xE8\xAE\xAE\xE4\xBC\x9A\xE5\x91\xA8\xE4\xBA\x8C\xE6\x8A\x95"
      "\xE7\xA5\xA8\xE5\x86\xB3\xE5\xAE\x9A\xEF\xBC\x8C\xE5\x9C\xA8\xE6\x9C\xAA\xE6\x9D\xA5"
      "\xE4\xB8\x89\xE5\xB9\xB4\xE5\x86\x85\xE6\x89\xA9\xE5\xBB\xBA\xE8\x87\xAA\xE8\xA1\x8C"
      "\xE8\xBD\xA6\xE9\x81\x93\xEF\xBC\x8C\xE6\x96\xB0\xE5\xA2\x9E\xE5\x9B\x9B\xE5\x8D\x81"
      "\xE5\x85\xAC\xE9\x87\x8C\xE5\x8F\x97\xE4\xBF\x9D\xE6\x8A\xA4\xE7\x9A\x84\xE8\xBD\xA6"
      "\xE9\x81\x93\xE3\x80\x82</p>";  // 城市议会周二投票决定，在未来三年内扩建自行车道，新增四十公里受保护的车道。
  std::string body;
  for (int i = 0; i < 6; ++i) body += p;
  return "<html><head>" + meta +
         "<title>\xE6\x96\xB0\xE9\x97\xBB</title></head><body>"
         "<div class=\"content\">" +
         body + "</div></body></html>";
}

constexpr char kChineseSentence[] =
    "\xE5\x9F\x8E\xE5\xB8\x82\xE8\xAE\xAE\xE4\xBC\x9A\xE5\x91\xA8\xE4\xBA\x8C\xE6\x8A\x95";

TEST(ExtractArticleTest, GbkPageDeclaredInMeta) {
  std::string gbk = ToCharset(ChinesePage("<meta charset=\"gb2312\">"), "gbk");
  auto a = ExtractArticle(gbk);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->text, HasSubstr(kChineseSentence));
  EXPECT_EQ(a->title, "\xE6\x96\xB0\xE9\x97\xBB");
}

TEST(ExtractArticleTest, GbkPageDeclaredInContentType) {
  std::string gbk = ToCharset(ChinesePage(""), "gbk");
  auto a = ExtractArticle(gbk, "", "text/html; charset=GBK");
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->text, HasSubstr(kChineseSentence));
}

TEST(ExtractArticleTest, Big5PageDeclaredInMeta) {
  // The sample is simplified Chinese; check characters Big5 also has (周二投票).
  std::string big5 = ToCharset(ChinesePage("<meta charset=\"big5\">"), "big5");
  auto a = ExtractArticle(big5);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->text, HasSubstr("\xE5\x91\xA8\xE4\xBA\x8C\xE6\x8A\x95\xE7\xA5\xA8"));
}

TEST(ExtractArticleTest, UndeclaredGbkIsDetected) {
  std::string gbk = ToCharset(ChinesePage(""), "gbk");
  auto a = ExtractArticle(gbk);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->text, HasSubstr(kChineseSentence));
}

TEST(ExtractArticleTest, EmptyAndOversizedInputsAreErrors) {
  EXPECT_EQ(ExtractArticle("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExtractArticle(" \n\t ").status().code(), absl::StatusCode::kInvalidArgument);
  ExtractOptions small;
  small.max_input_bytes = 100;
  EXPECT_EQ(ExtractArticle(std::string(101, 'x'), "", "", small).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(ExtractArticleTest, PlainTextAndFragmentsGiveText) {
  auto a = ExtractArticle("just some words, not HTML at all, but still a page of text");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->text, "just some words, not HTML at all, but still a page of text");
}

TEST(ExtractArticleTest, GarbageBytesNeverCrash) {
  std::mt19937 rng(42);
  const std::string pieces[] = {
      "<",           ">",        "</",         "<p>", "<div class=", "\"",       "&",
      "&#x",         "<script>", "<!--",       "\0",  "\xFF",        "\xE4\xB8", "<meta charset=gbk>",
      "<table><td>", "<a href=", "text, more", " ",   "\n",          "<![CDATA["};
  for (int round = 0; round < 300; ++round) {
    std::string input;
    int n = static_cast<int>(rng() % 200);
    for (int k = 0; k < n; ++k) {
      if (rng() % 3 == 0) {
        input.push_back(static_cast<char>(rng() & 0xFF));
      } else {
        input += pieces[rng() % std::size(pieces)];
      }
    }
    auto a = ExtractArticle(input);
    if (a.ok()) {
      // The output is always valid UTF-8 text without NULs.
      EXPECT_EQ(a->text.find('\0'), std::string::npos);
    } else {
      EXPECT_FALSE(a.status().message().empty());
    }
  }
}

TEST(ExtractArticleTest, DeeplyNestedInputIsBounded) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<div>";
  page += "<p>deep text, deep inside many divs, far down the tree of this page</p>";
  for (int i = 0; i < 100000; ++i) page += "</div>";
  page += "</body></html>";
  auto start = std::chrono::steady_clock::now();
  auto a = ExtractArticle(page);
  EXPECT_TRUE(a.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ExtractArticleTest, HugeInputIsBounded) {
  std::string page = "<html><body><div class=\"content\">";
  while (page.size() < (20u << 20)) {
    page += "<p>A long page keeps repeating this sentence, with commas, to test the limits.</p>";
  }
  page += "</div></body></html>";
  ExtractOptions options;
  options.max_elements = 100000;
  auto start = std::chrono::steady_clock::now();
  auto a = ExtractArticle(page, "", "", options);
  ASSERT_TRUE(a.ok());
  EXPECT_GT(a->text.size(), 1000u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

// Runs the extractor over the development pages of the extraction benchmark
// when they are present next to the repository; checks robustness only (the
// quality is measured by tools/eval/extract.sh).
TEST(ExtractArticleTest, DevelopmentPagesDoNotCrash) {
  const std::filesystem::path dir = "../shared/data/article-extraction-benchmark";
  if (!std::filesystem::exists(dir / "ids.dev.txt")) GTEST_SKIP() << "no benchmark data";
  std::ifstream ids(dir / "ids.dev.txt");
  std::string id;
  int pages = 0;
  int with_text = 0;
  while (std::getline(ids, id)) {
    if (id.empty()) continue;
    gzFile f = gzopen((dir / "html" / (id + ".html.gz")).c_str(), "rb");
    ASSERT_NE(f, nullptr) << id;
    std::string html;
    char buffer[65536];
    int n;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) html.append(buffer, n);
    gzclose(f);
    auto a = ExtractArticle(html, "https://example.com/");
    ASSERT_TRUE(a.ok()) << id << ": " << a.status();
    ++pages;
    if (a->text.size() > 200) ++with_text;
  }
  EXPECT_GT(pages, 0);
  EXPECT_GE(with_text * 10, pages * 9);
}

}  // namespace
}  // namespace newsflow::ingest
