#include "common/util/article_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/utf8.h"

namespace newsflow {
namespace {

v1::Article Sample() {
  v1::Article a;
  a.set_id("00112233aabbccdd");
  a.set_version("v1");
  a.set_sequence(42);
  a.set_title("Title");
  a.set_url("https://example.com/a?utm_source=x");
  a.set_canonical_url("https://example.com/a");
  a.mutable_source()->set_id("src");
  a.mutable_source()->set_url("https://example.com/feed");
  a.mutable_source()->set_title("Example");
  a.mutable_source()->set_kind("rss20");
  a.set_author("Ann");
  a.set_text("Body text.");
  a.set_published_at_ms(1700000000000);  // 2023-11-14T22:13:20Z
  a.set_fetched_at_ms(0);
  a.set_stored_at_ms(1700000000999);
  v1::Enrichment* e = a.mutable_enrichment();
  e->set_language("en");
  e->set_language_reliable(true);
  e->set_title_language("en");
  e->set_body_language("zh");
  v1::Tag* t = e->add_tags();
  t->set_name("AI");
  t->set_score(0.75);
  e->add_summary("First.");
  e->add_key_points("Point.");
  e->set_fingerprint(0xabc);
  return a;
}

TEST(ArticleJsonTest, MapsEveryField) {
  nlohmann::json j = ArticleToJson(Sample(), /*with_text=*/true);
  EXPECT_EQ(j["id"], "00112233aabbccdd");
  EXPECT_EQ(j["version"], "v1");
  EXPECT_EQ(j["sequence"], 42);
  EXPECT_EQ(j["title"], "Title");
  EXPECT_EQ(j["url"], "https://example.com/a?utm_source=x");
  EXPECT_EQ(j["canonical_url"], "https://example.com/a");
  EXPECT_EQ(
      j["source"],
      nlohmann::json(
          {{"id", "src"}, {"url", "https://example.com/feed"}, {"title", "Example"}, {"kind", "rss20"}}));
  EXPECT_EQ(j["author"], "Ann");
  EXPECT_EQ(j["published"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["stored"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["lang"], "en");
  EXPECT_EQ(j["lang_reliable"], true);
  EXPECT_EQ(j["title_lang"], "en");
  EXPECT_EQ(j["body_lang"], "zh");
  EXPECT_EQ(j["tags"], nlohmann::json::parse(R"([{"name": "AI", "score": 0.75}])"));
  EXPECT_EQ(j["summary"], nlohmann::json::array({"First."}));
  EXPECT_EQ(j["key_points"], nlohmann::json::array({"Point."}));
  EXPECT_EQ(j["fingerprint"], "0000000000000abc");
  EXPECT_EQ(j["text"], "Body text.");
}

TEST(ArticleJsonTest, UnknownTimeIsNull) {
  nlohmann::json j = ArticleToJson(Sample(), true);
  EXPECT_TRUE(j["fetched"].is_null());
}

TEST(ArticleJsonTest, TextOnlyWhenAsked) {
  EXPECT_FALSE(ArticleToJson(Sample(), /*with_text=*/false).contains("text"));
  EXPECT_TRUE(ArticleToJson(Sample(), /*with_text=*/true).contains("text"));
}

TEST(ArticleJsonTest, EmptyListsAreArrays) {
  v1::Article a;
  nlohmann::json j = ArticleToJson(a, false);
  EXPECT_TRUE(j["tags"].is_array());
  EXPECT_TRUE(j["summary"].is_array());
  EXPECT_TRUE(j["key_points"].is_array());
  EXPECT_TRUE(j["published"].is_null());
}

// Articles reach ArticleToJson parsed from proto3 messages, which cannot hold
// invalid UTF-8; an article built in memory can (protobuf's setters do not
// check), and the outputs' dump (the HTTP server's and the CLI's, with
// nlohmann's `replace` error handler) still writes valid UTF-8.
TEST(ArticleJsonTest, InvalidUtf8IsReplacedWhenDumped) {
  v1::Article a = Sample();
  a.set_title("bad \xff title");
  a.set_text("bad \xc3 text");
  a.mutable_enrichment()->mutable_tags(0)->set_name("t\xfe");
  const std::string out =
      ArticleToJson(a, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  EXPECT_TRUE(IsValidUtf8(out));
  const nlohmann::json back = nlohmann::json::parse(out);
  EXPECT_EQ(back["title"], "bad \xEF\xBF\xBD title");
  EXPECT_EQ(back["text"], "bad \xEF\xBF\xBD text");
  EXPECT_EQ(back["tags"][0]["name"], "t\xEF\xBF\xBD");
}

}  // namespace
}  // namespace newsflow
