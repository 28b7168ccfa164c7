#include "common/transport/message_validation.h"

#include <cmath>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newsflow {
namespace {

using ::testing::HasSubstr;

v1::Article GoodArticle() {
  v1::Article a;
  a.set_id("00112233aabbccdd");
  a.set_version("0000000000000002");
  a.set_origin("ingest-0");
  a.set_title("Title");
  a.set_text("Body.");
  a.set_published_at_ms(1700000000000);
  v1::Tag* t = a.mutable_enrichment()->add_tags();
  t->set_name("AI");
  t->set_key("ai");
  t->set_score(1.0);
  return a;
}

std::string Why(const absl::Status& s) { return std::string(s.message()); }

TEST(MessageValidationTest, ArticleBounds) {
  const MessageLimits limits;
  EXPECT_TRUE(ValidateArticle(GoodArticle(), limits).ok());
  auto bad = [&](auto mutate) {
    v1::Article a = GoodArticle();
    mutate(a);
    return ValidateArticle(a, limits);
  };
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.set_id(std::string(129, 'a')); })), HasSubstr("id:"));
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.set_id("a b"); })), HasSubstr("id:"));
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.set_version(""); })), HasSubstr("version:"));
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.set_origin("ingest-0.eu"); })), HasSubstr("origin:"));
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.set_title(std::string(65 * 1024, 't')); })),
              HasSubstr("title:"));
  EXPECT_THAT(
      Why(bad([](v1::Article& a) { a.mutable_enrichment()->mutable_tags(0)->set_score(std::nan("")); })),
      HasSubstr("score"));
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.mutable_enrichment()->mutable_tags(0)->set_score(2); })),
              HasSubstr("score"));
  EXPECT_THAT(Why(bad([](v1::Article& a) {
                for (int i = 0; i < 8; ++i) *a.mutable_enrichment()->add_tags() = a.enrichment().tags(0);
              })),
              HasSubstr("9 tags, more than 8"));
  EXPECT_THAT(Why(bad([](v1::Article& a) {
                a.mutable_enrichment()->mutable_tags(0)->set_key(std::string(2000, 'k'));
              })),
              HasSubstr("key"));
  EXPECT_THAT(Why(bad([](v1::Article& a) { a.set_published_at_ms(std::numeric_limits<int64_t>::max()); })),
              HasSubstr("published_at_ms"));
  EXPECT_THAT(Why(bad([](v1::Article& a) {
                for (int i = 0; i < 21; ++i) a.mutable_enrichment()->add_key_points("k.");
              })),
              HasSubstr("key_points"));
}

TEST(MessageValidationTest, LimitsFollowTheConfig) {
  NewsflowConfig config = DefaultConfig();
  config.enrich.max_tags = 3;
  config.enrich.categories.resize(2);
  EXPECT_EQ(MessageLimitsFor(config).max_tags, 5);
}

TEST(MessageValidationTest, TermCountsBounds) {
  v1::TermCounts c;
  c.set_origin("w/0");
  c.set_documents(10);
  c.add_terms(1);
  c.add_counts(10);
  EXPECT_TRUE(ValidateTermCounts(c).ok());
  v1::TermCounts request;
  request.set_want_snapshot(true);
  EXPECT_TRUE(ValidateTermCounts(request).ok());
  auto bad = [&](auto mutate) {
    v1::TermCounts x = c;
    mutate(x);
    return !ValidateTermCounts(x).ok();
  };
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_documents(1e308); }));
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_documents(-1); }));
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_documents(std::nan("")); }));
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_counts(0, std::numeric_limits<double>::infinity()); }));
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_counts(0, -1); }));
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_counts(0, 12); }));  // more than documents
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.add_terms(2); }));       // unequal lengths
  EXPECT_TRUE(bad([](v1::TermCounts& x) { x.set_origin(std::string(1000, 'o')); }));
  EXPECT_TRUE(bad([](v1::TermCounts& x) {
    for (std::size_t i = 0; i < kMaxTermCountsTerms; ++i) {
      x.add_terms(i);
      x.add_counts(1);
    }
  }));
}

TEST(MessageValidationTest, AckBounds) {
  v1::Ack ack;
  ack.set_article_id("abc");
  ack.set_version("v1");
  EXPECT_TRUE(ValidateAck(ack).ok());
  ack.set_failure(std::string(5000, 'f'));
  EXPECT_FALSE(ValidateAck(ack).ok());
  ack.clear_failure();
  ack.set_article_id(std::string(100 * 1024, 'a'));
  EXPECT_FALSE(ValidateAck(ack).ok());
}

}  // namespace
}  // namespace newsflow
