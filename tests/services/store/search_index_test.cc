#include "services/store/search_index.h"

#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "services/store/article_store.h"
#include "services/store/http_api.h"
#include "services/store/search_indexer.h"
#include "services/store/store_service.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::newsflow::testing::MakeArticle;
using ::newsflow::testing::TempDir;
using ::newsflow::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr int64_t kT0 = 1'700'000'000'000;

v1::Article Make(std::string_view seed, std::string title, std::string text, std::string lang, int64_t time,
                 std::string source, const std::vector<std::string>& tags) {
  v1::Article a = ::newsflow::testing::MakeArticleWithTags(seed, std::move(title), std::move(text), tags);
  a.mutable_enrichment()->set_language(lang);
  a.set_published_at_ms(time);
  a.mutable_source()->set_id(source);
  return a;
}

// A real ArticleStore and a real Xapian index in a temp dir, over a few
// English and Chinese articles written for these tests.
class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
    std::vector<v1::Article> batch{
        Make("bridge", "Harbour bridge reopens after repairs",
             "Engineers finished repairing the harbour bridge on Tuesday after winter storms damaged its "
             "cables. Commuters crossed again by evening.",
             "en", kT0 + 1000, "src-city", {"Harbour Bridge", "Storms"}),
        Make("rates", "Central bank raises interest rates",
             "The central bank lifted interest rates by a quarter point to cool inflation. Economists had "
             "expected the move for weeks.",
             "en", kT0 + 2000, "src-money", {"Central Bank", "Inflation"}),
        Make("warning", "Storm warning for the coast",
             "Forecasters said a strong storm will reach the coast on Friday, bringing heavy rain and wind.",
             "en", kT0 + 3000, "src-city", {"Weather"}),
        Make("holiday", "Bank holiday traffic",
             "Long queues are expected on every road out of the city during the bank holiday weekend.", "en",
             kT0 + 4000, "src-city", {"Traffic"}),
        Make("port", "上海港口集装箱吞吐量创新高",
             "上海港今年前十个月的集装箱吞吐量再创新高，港口工人表示订单持续增长。", "zh", kT0 + 5000,
             "src-zh", {"上海港", "集装箱"}),
        Make("ai", "北京举办人工智能大会", "来自各地的研究人员在北京讨论人工智能的最新进展和应用。", "zh",
             kT0 + 6000, "src-zh", {"人工智能"}),
    };
    for (const v1::Article& a : batch) ids_[a.title()] = a.id();
    ASSERT_THAT(store_->Upsert(batch), IsOk());
    IndexAll();
  }

  void IndexAll() {
    auto index = SearchIndex::Open(path());
    ASSERT_THAT(index, IsOk());
    bool more = true;
    while (more) ASSERT_THAT((*index)->CatchUp(*store_, 2, &more), IsOk());
    ASSERT_THAT((*index)->Commit(), IsOk());
    EXPECT_EQ((*index)->LastSequence(), store_->LastSequence());
  }

  std::string path() const { return dir_.Sub("search"); }
  std::string Id(const std::string& title) const { return ids_.at(title); }

  SearchResult Find(const SearchRequest& r) {
    auto result = Search(path(), r);
    EXPECT_THAT(result, IsOk());
    return result.ok() ? *result : SearchResult{};
  }
  std::vector<std::string> TitlesOf(const SearchRequest& r) {
    std::vector<std::string> titles;
    for (const SearchHit& h : Find(r).hits) titles.push_back(h.title);
    return titles;
  }
  std::vector<std::string> Titles(const std::string& q) { return TitlesOf(SearchRequest{.query = q}); }

  TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
  std::map<std::string, std::string> ids_;
};

TEST_F(SearchIndexTest, FindsWordsOfTitleBodyAndTagsWithStemming) {
  // "repair" is the stem of the body's "repairing".
  EXPECT_THAT(Titles("repair"), ElementsAre("Harbour bridge reopens after repairs"));
  EXPECT_THAT(Titles("inflation economists"), ElementsAre("Central bank raises interest rates"));
  // "weather" is only the name of a tag.
  EXPECT_THAT(Titles("weather"), ElementsAre("Storm warning for the coast"));
  // Every word must match (AND by default).
  EXPECT_THAT(Titles("storm inflation"), IsEmpty());
}

TEST_F(SearchIndexTest, TitleMatchRanksAboveBodyMatch) {
  SearchResult r = Find({.query = "storm"});
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].title, "Storm warning for the coast");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
  EXPECT_EQ(r.hits[0].id, Id("Storm warning for the coast"));
  EXPECT_EQ(r.hits[0].url, "https://news.example/warning");
  EXPECT_EQ(r.hits[0].time_ms, kT0 + 3000);
  EXPECT_EQ(r.hits[0].lang, "en");
}

TEST_F(SearchIndexTest, PhraseNotAndFields) {
  EXPECT_THAT(Titles("\"interest rates\""), ElementsAre("Central bank raises interest rates"));
  EXPECT_THAT(Titles("\"rates interest\""), IsEmpty());
  EXPECT_THAT(Titles("bank NOT holiday"), ElementsAre("Central bank raises interest rates"));
  EXPECT_THAT(Titles("bank -holiday"), ElementsAre("Central bank raises interest rates"));
  EXPECT_THAT(Titles("inflation OR traffic"),
              UnorderedElementsAre("Central bank raises interest rates", "Bank holiday traffic"));
  // title: leaves out the article whose body and tags say "storms".
  EXPECT_THAT(Titles("title:storm"), ElementsAre("Storm warning for the coast"));
  // tag: matches by the tag key, whatever the spelling.
  EXPECT_THAT(Titles("tag:\"central BANK\""), ElementsAre("Central bank raises interest rates"));
  EXPECT_THAT(Titles("bank lang:ZH"), IsEmpty());
  EXPECT_THAT(Titles("source:src-money"), ElementsAre("Central bank raises interest rates"));
}

TEST_F(SearchIndexTest, Filters) {
  EXPECT_THAT(TitlesOf({.query = "storm", .source = "src-money"}), IsEmpty());
  EXPECT_THAT(TitlesOf({.query = "storm", .tag = "weather"}), ElementsAre("Storm warning for the coast"));
  EXPECT_THAT(TitlesOf({.query = "bank", .since_ms = kT0 + 3000}), ElementsAre("Bank holiday traffic"));
  EXPECT_THAT(TitlesOf({.query = "bank", .until_ms = kT0 + 4000}),
              ElementsAre("Central bank raises interest rates"));
  EXPECT_THAT(TitlesOf({.lang = "ZH", .order = SearchOrder::kNewest}),
              ElementsAre("北京举办人工智能大会", "上海港口集装箱吞吐量创新高"));
  v1::Article a = *store_->Get(Id("Storm warning for the coast"));
  ASSERT_FALSE(a.cluster_id().empty());
  EXPECT_THAT(TitlesOf({.cluster = a.cluster_id()}), ElementsAre("Storm warning for the coast"));
}

TEST_F(SearchIndexTest, Chinese) {
  EXPECT_THAT(Titles("集装箱"), ElementsAre("上海港口集装箱吞吐量创新高"));
  EXPECT_THAT(Titles("人工智能"), ElementsAre("北京举办人工智能大会"));
  // A word of the body that is not a tag.
  EXPECT_THAT(Titles("研究人员"), ElementsAre("北京举办人工智能大会"));
  // Characters of both articles, but not next to each other in either.
  EXPECT_THAT(Titles("港能"), IsEmpty());
  EXPECT_THAT(Titles("tag:上海港"), ElementsAre("上海港口集装箱吞吐量创新高"));
  SearchResult r = Find({.query = "吞吐量"});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("<mark>吞吐量</mark>"));
}

TEST_F(SearchIndexTest, SnippetHighlightsMatchesAndEscapesHtml) {
  SearchResult r = Find({.query = "inflation"});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("<mark>inflation</mark>"));
  std::vector<v1::Article> batch{Make(
      "html", "Quarterly profits", "Profits <b>fell</b> as costs & fees rose.", "en", kT0, "src-money", {})};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  IndexAll();
  r = Find({.query = "fees"});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("&lt;b&gt;"));
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("&amp; <mark>fees</mark>"));
}

TEST_F(SearchIndexTest, BadRequestsAreInvalidArgument) {
  for (const SearchRequest& r :
       {SearchRequest{.query = "storm AND"}, SearchRequest{.query = std::string(2000, 'a')},
        SearchRequest{.query = "storm", .limit = 0},
        SearchRequest{.query = "storm", .limit = kMaxSearchPageSize + 1},
        SearchRequest{.query = "storm", .cursor = "x.1.2"},
        SearchRequest{.query = "storm", .cursor = "n.1.2"}}) {
    auto result = Search(path(), r);
    EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << r.query << " " << result.status();
    EXPECT_FALSE(result.status().message().empty());
  }
  EXPECT_TRUE(absl::IsUnavailable(Search(dir_.Sub("nothing-here"), {.query = "storm"}).status()));
}

// Pages through `r`, adding one article between each two pages; returns the
// ids seen, in order.
std::vector<std::string> PageWithInserts(const std::string& path, SearchRequest r,
                                         const std::function<void(int)>& insert) {
  std::vector<std::string> seen;
  for (int page = 0; page < 100; ++page) {
    auto result = Search(path, r);
    EXPECT_THAT(result, IsOk());
    if (!result.ok()) break;
    for (const SearchHit& h : result->hits) seen.push_back(h.id);
    if (result->next_cursor.empty()) break;
    r.cursor = result->next_cursor;
    insert(page);
  }
  return seen;
}

TEST_F(SearchIndexTest, CursorPagesNeitherRepeatNorSkipWhileArticlesArrive) {
  std::vector<v1::Article> batch;
  std::set<std::string> originals;
  for (int i = 0; i < 25; ++i) {
    // Different lengths give different scores; the same time for a few
    // exercises the tie-break by document.
    batch.push_back(
        Make(fmt::format("market-{}", i), fmt::format("Market report {}", i),
             "Grain markets " + std::string(i % 7, 'x') + " closed higher. " + std::string(i, 'y') + " grain",
             "en", kT0 - 100 * (i / 3), "src-money", {}));
    originals.insert(batch.back().id());
  }
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  IndexAll();
  for (SearchOrder order : {SearchOrder::kRelevance, SearchOrder::kNewest}) {
    int n = 0;
    auto insert = [&](int page) {
      // One article newer than all, one older than all, both matching.
      std::vector<v1::Article> more{
          Make(fmt::format("new-{}-{}", static_cast<int>(order), page), "Grain news", "grain grain", "en",
               kT0 + 100000 + page, "src-money", {}),
          Make(fmt::format("old-{}-{}", static_cast<int>(order), page), "Grain archive", "grain", "en",
               kT0 - 100000 - page, "src-money", {})};
      ASSERT_THAT(store_->Upsert(more), IsOk());
      IndexAll();
      ++n;
    };
    std::vector<std::string> seen =
        PageWithInserts(path(), {.query = "grain", .lang = "en", .limit = 4, .order = order}, insert);
    EXPECT_GT(n, 3);
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a hit repeated";
    for (const std::string& id : originals) EXPECT_TRUE(unique.count(id)) << "skipped " << id;
  }
}

TEST_F(SearchIndexTest, NewestOrderIsByTime) {
  std::vector<std::string> titles = TitlesOf({.query = "bank", .order = SearchOrder::kNewest});
  EXPECT_THAT(titles, ElementsAre("Bank holiday traffic", "Central bank raises interest rates"));
  EXPECT_EQ(Find({.query = "bank", .order = SearchOrder::kNewest}).hits[0].score, 0.0);
}

TEST_F(SearchIndexTest, IndexerCatchesUpWithWhatWasCommittedWhileItWasDown) {
  // The store commits while no indexer runs (a crash, or a stop): a new
  // article and a new version of an indexed one.
  std::vector<v1::Article> batch{
      Make("ferry", "Ferry service resumes", "The island ferry sails again after the strike ended.", "en",
           kT0 + 7000, "src-city", {}),
      Make("bridge", "Harbour bridge closes again", "Inspectors found cracks in the bridge deck.", "en",
           kT0 + 8000, "src-city", {})};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  EXPECT_THAT(Titles("ferry"), IsEmpty());

  auto index = SearchIndex::Open(path());
  ASSERT_THAT(index, IsOk());
  EXPECT_LT((*index)->LastSequence(), store_->LastSequence());
  {
    SearchIndexer indexer(*store_, *std::move(index));
    ASSERT_TRUE(WaitFor([&] { return indexer.LastSequence() == store_->LastSequence(); }));
    // Committed while it runs: Notify() wakes it.
    std::vector<v1::Article> later{Make("tram", "Tram line opens",
                                        "The new tram line carries its first riders.", "en", kT0 + 9000,
                                        "src-city", {})};
    ASSERT_THAT(store_->Upsert(later), IsOk());
    indexer.Notify();
    ASSERT_TRUE(WaitFor([&] { return indexer.LastSequence() == store_->LastSequence(); }));
  }
  EXPECT_THAT(Titles("ferry"), ElementsAre("Ferry service resumes"));
  EXPECT_THAT(Titles("tram"), ElementsAre("Tram line opens"));
  // The new version replaced the old one: one document per article.
  EXPECT_THAT(Titles("cracks"), ElementsAre("Harbour bridge closes again"));
  EXPECT_THAT(Titles("repairing"), IsEmpty());
  auto reopened = SearchIndex::Open(path());
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ((*reopened)->LastSequence(), store_->LastSequence());
  EXPECT_EQ((*reopened)->DocumentCount(), store_->ArticleCount());
}

TEST_F(SearchIndexTest, RebuildFromTheStoreGivesTheSameResults) {
  const std::vector<std::string> queries = {"storm",  "bank",        "\"interest rates\"",
                                            "集装箱", "tag:traffic", "bank NOT holiday"};
  std::vector<std::vector<std::string>> before;
  before.reserve(queries.size());
  for (const std::string& q : queries) before.push_back(Titles(q));
  // Damage the index: it lost documents and forgot how far it got.
  std::filesystem::remove_all(path());
  auto empty = SearchIndex::Open(path());
  ASSERT_THAT(empty, IsOk());
  empty->reset();
  EXPECT_THAT(Titles("storm"), IsEmpty());

  auto count = SearchIndex::Rebuild(*store_, path());
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, store_->ArticleCount());
  for (std::size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(Titles(queries[i]), before[i]) << queries[i];
  auto reopened = SearchIndex::Open(path());
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ((*reopened)->LastSequence(), store_->LastSequence());
}

TEST_F(SearchIndexTest, AddedDocumentsCountOnlyOnceCommitted) {
  std::vector<v1::Article> batch{Make("ferry", "Ferry service resumes",
                                      "The island ferry sails again after the strike ended.", "en",
                                      kT0 + 7000, "src-city", {})};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  auto index = SearchIndex::Open(path());
  ASSERT_THAT(index, IsOk());
  const uint64_t committed = (*index)->LastSequence();
  bool more = true;
  ASSERT_THAT((*index)->CatchUp(*store_, 10, &more), IsOk());
  EXPECT_FALSE(more);
  EXPECT_TRUE((*index)->HasPending());
  EXPECT_EQ((*index)->PendingDocuments(), 1u);
  EXPECT_EQ((*index)->PendingSequence(), store_->LastSequence());
  // Neither readers nor a restart see the sequence move before the commit.
  EXPECT_EQ((*index)->LastSequence(), committed);
  EXPECT_THAT(Titles("ferry"), IsEmpty());
  ASSERT_THAT((*index)->Commit(), IsOk());
  EXPECT_FALSE((*index)->HasPending());
  EXPECT_EQ((*index)->LastSequence(), store_->LastSequence());
  EXPECT_THAT(Titles("ferry"), ElementsAre("Ferry service resumes"));
}

TEST_F(SearchIndexTest, ReaderFollowsTheWritersCommits) {
  SearchReader reader(path());
  auto titles = [&](const std::string& q) {
    std::vector<std::string> out;
    auto result = reader.Search({.query = q});
    EXPECT_THAT(result, IsOk());
    if (result.ok()) {
      for (const SearchHit& h : result->hits) out.push_back(h.title);
    }
    return out;
  };
  EXPECT_THAT(titles("storm"),
              ElementsAre("Storm warning for the coast", "Harbour bridge reopens after repairs"));
  EXPECT_THAT(titles("ferry"), IsEmpty());  // its view stays open in the pool
  std::vector<v1::Article> batch{Make("ferry", "Ferry service resumes",
                                      "The island ferry sails again after the strike ended.", "en",
                                      kT0 + 7000, "src-city", {})};
  ASSERT_THAT(store_->Upsert(batch), IsOk());
  IndexAll();
  EXPECT_THAT(titles("ferry"), ElementsAre("Ferry service resumes"));
  // Queries from several threads at once each get a view of their own.
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> found{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) found += titles("ferry").size() == 1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 80);
  EXPECT_THAT(reader.Search({.query = "storm AND"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SearchReaderTest, NoIndexYetIsUnavailable) {
  TempDir dir;
  SearchReader reader(dir.Sub("search"));
  EXPECT_EQ(reader.Search({.query = "storm"}).status().code(), absl::StatusCode::kUnavailable);
}

// /v1/search on a real HTTP server on loopback.
TEST_F(SearchIndexTest, HttpSearch) {
  HttpServer server(HttpServerOptions{.address = "127.0.0.1", .port = 0});
  auto reader = std::make_shared<SearchReader>(path());
  InstallHttpApi(server, *store_, {}, nullptr, nullptr,
                 [reader](const SearchRequest& r) { return reader->Search(r); });
  ASSERT_THAT(server.Start(), IsOk());
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/v1/search?q=storm&limit=1");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  nlohmann::json body = nlohmann::json::parse(res->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["title"], "Storm warning for the coast");
  EXPECT_EQ(body["more"], true);
  const std::string cursor = body["next_cursor"];
  res = client.Get("/v1/search?q=storm&limit=1&cursor=" + cursor);
  ASSERT_TRUE(res);
  body = nlohmann::json::parse(res->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["title"], "Harbour bridge reopens after repairs");
  EXPECT_EQ(body["more"], false);

  res = client.Get("/v1/search?q=%E9%9B%86%E8%A3%85%E7%AE%B1&lang=zh");  // 集装箱
  ASSERT_TRUE(res);
  body = nlohmann::json::parse(res->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_THAT(body["hits"][0]["snippet"].get<std::string>(), HasSubstr("<mark>"));

  res = client.Get("/v1/search?q=storm%20AND");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("query"));
  for (const char* bad : {"/v1/search?q=storm&limit=0", "/v1/search?q=storm&limit=101", "/v1/search",
                          "/v1/search?q=storm&order=oldest", "/v1/search?q=storm&cursor=zz"}) {
    res = client.Get(bad);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << bad;
  }
  server.Stop();
}

// newsflow-store --reindex: the index is rebuilt from the database alone
// before the service runs, with the same code as `newsflow search --reindex`.
TEST_F(SearchIndexTest, StoreReindexOptionRebuildsBeforeServing) {
  const std::vector<std::string> before = Titles("storm");
  ASSERT_FALSE(before.empty());
  std::filesystem::remove_all(path());
  store_.reset();  // the service opens the database itself
  auto config = ParseConfig(fmt::format("data_dir: {}\nstore:\n  data_dir: {}\n  search: {{path: {}}}\n",
                                        dir_.path(), dir_.Sub("db"), path()),
                            "reindex-test.yaml");
  ASSERT_THAT(config, IsOk());
  zmq::context_t context(1);
  auto service = MakeStoreServiceWithOptions(*config, context, {.reindex = true});
  ASSERT_THAT(service, IsOk());
  EXPECT_EQ(Titles("storm"), before);
  service->reset();
  config->store.search_enabled = false;
  EXPECT_EQ(MakeStoreServiceWithOptions(*config, context, {.reindex = true}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SearchDisabledTest, HttpAnswers404) {
  TempDir dir;
  auto store = ArticleStore::Open({.path = dir.Sub("db"), .sync_writes = false});
  ASSERT_THAT(store, IsOk());
  HttpServer server(HttpServerOptions{.address = "127.0.0.1", .port = 0});
  InstallHttpApi(server, **store, {}, nullptr);
  ASSERT_THAT(server.Start(), IsOk());
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/v1/search?q=storm");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  server.Stop();
}

}  // namespace
}  // namespace newsflow::store
