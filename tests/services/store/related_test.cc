#include "services/store/related.h"

#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/store/article_store.h"
#include "services/store/query_handler.h"
#include "services/store/search_index.h"
#include "tests/testing/test_util.h"

namespace newsflow::store {
namespace {

using ::newsflow::testing::IsOk;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kDay = 24 * 3600 * 1000;

// A fingerprint of its own per seed (splitmix64 of the seed's hash): two
// seeds lie about 32 bits apart, far from kMaxClusterDistance.
uint64_t Fingerprint(std::string_view seed) {
  uint64_t z = std::hash<std::string_view>{}(seed) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

v1::Article Make(std::string_view seed, std::string title, std::string text, int64_t time,
                 const std::vector<std::string>& tags, uint64_t fingerprint = 0) {
  v1::Article a = ::newsflow::testing::MakeArticleWithTags(seed, std::move(title), std::move(text), tags);
  a.set_published_at_ms(time);
  a.mutable_source()->set_id(fmt::format("src-{}", seed));
  a.mutable_enrichment()->set_fingerprint(fingerprint != 0 ? fingerprint : Fingerprint(seed));
  return a;
}

// Texts written for these tests: three football reports, a budget debate,
// a vaccine study and a near-duplicate of the first football report.
v1::Article CupFinal() {
  return Make("cup", "City win the cup final",
              "City won the cup final against United with two late goals. The striker scored in the "
              "eightieth minute and the captain added a second goal from a free kick. The manager praised "
              "the players and the supporters who filled the stadium for the final.",
              kT0, {"Football", "City"});
}

v1::Article CupFinalCopy() {
  // Another source's copy of the same report: a near-duplicate fingerprint.
  return Make("cup-copy", "City beat United to win the cup final",
              "City won the cup final against United with two late goals. The striker scored in the "
              "eightieth minute and the captain added a second goal from a free kick.",
              kT0 + 3600 * 1000, {"Football", "City"}, Fingerprint("cup") ^ 0b101);
}

v1::Article LeagueMatch(std::string_view seed, int64_t time) {
  return Make(seed, "United lose league match at home",
              "United lost the league match at home after the visiting striker scored twice. The manager "
              "said the players must defend better before the next match, and the supporters left the "
              "stadium early. The captain missed a penalty in the second half.",
              time, {"Football", "United"});
}

v1::Article Transfer() {
  return Make("transfer", "Striker signs for City",
              "The striker signed a four-year contract with City after the club agreed a transfer fee. The "
              "manager said the player will score goals in the league and in the cup next season.",
              kT0 + 2 * kDay, {"Football", "City", "Transfers"});
}

v1::Article Budget() {
  return Make("budget", "Parliament debates the budget",
              "Members of parliament debated the government's budget, which raises taxes on fuel and cuts "
              "spending on roads. The finance minister said the deficit must fall, while the opposition "
              "called the plan unfair to families.",
              kT0 + kDay, {"Budget", "Parliament"});
}

v1::Article Vaccine() {
  return Make("vaccine", "Vaccine trial shows strong protection",
              "A vaccine trial with thousands of volunteers showed strong protection against the virus. "
              "Researchers said the doses caused few side effects and that regulators will review the "
              "results of the study this spring.",
              kT0 + kDay, {"Vaccines", "Health"});
}

std::vector<std::string> Ids(const std::vector<v1::RelatedArticle>& list) {
  std::vector<std::string> ids;
  ids.reserve(list.size());
  for (const auto& r : list) ids.push_back(r.id());
  return ids;
}

// A real ArticleStore and a real Xapian search index in a temp dir.
class RelatedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ArticleStore::Open({.path = dir_.Sub("db"), .sync_writes = false});
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
  }

  // Commits `articles` and brings the index up to date.
  void Store(std::vector<v1::Article> articles) {
    ASSERT_THAT(store_->Upsert(articles), IsOk());
    Index();
  }
  void Index() {
    auto index = SearchIndex::Open(index_path());
    ASSERT_THAT(index, IsOk());
    bool more = true;
    while (more) ASSERT_THAT((*index)->CatchUp(*store_, kSearchIndexBatch, &more), IsOk());
  }
  std::string index_path() const { return dir_.Sub("search"); }
  v1::Article Stored(const v1::Article& a) {
    auto got = store_->Get(a.id());
    EXPECT_THAT(got, IsOk());
    return got.ok() ? *got : v1::Article();
  }
  RelatedResult Find(const v1::Article& a, std::size_t limit = 0, RelatedOptions options = {}) {
    RelatedFinder finder(*store_, index_path(), options);
    auto r = finder.Find(a.id(), limit);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RelatedResult();
  }

  ::newsflow::testing::TempDir dir_;
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(RelatedTest, NearDuplicatesAreOtherSourcesNotRelated) {
  Store({CupFinal(), CupFinalCopy(), LeagueMatch("league", kT0 + kDay), Budget()});
  const v1::Article cup = Stored(CupFinal());
  const v1::Article copy = Stored(CupFinalCopy());
  ASSERT_EQ(copy.cluster_id(), cup.cluster_id());  // the store saw the near-duplicate

  RelatedResult r = Find(cup);
  EXPECT_TRUE(r.indexed);
  EXPECT_THAT(Ids(r.related), Not(Contains(cup.id())));
  EXPECT_THAT(Ids(r.related), Not(Contains(copy.id())));
  EXPECT_THAT(Ids(r.other_sources), ElementsAre(copy.id()));
  EXPECT_EQ(r.other_sources[0].cluster_id(), cup.cluster_id());
  for (const auto& related : r.related) EXPECT_NE(related.cluster_id(), cup.cluster_id());

  // And from the copy's side: the original is its other source.
  RelatedResult from_copy = Find(copy);
  EXPECT_THAT(Ids(from_copy.other_sources), ElementsAre(cup.id()));
  EXPECT_THAT(Ids(from_copy.related), Not(Contains(cup.id())));
}

TEST_F(RelatedTest, ACopyInAnotherClusterIsAnOtherSource) {
  // A shortened copy whose fingerprint moved too far for the store to
  // cluster it: its text still gives it away.
  v1::Article copy = Make("cup-short", "Cup final: City beat United",
                          "City won the cup final against United with two late goals. The striker scored in "
                          "the eightieth minute and the captain added a second goal from a free kick.",
                          kT0 + 3600 * 1000, {"Football"});
  Store({CupFinal(), copy, LeagueMatch("league", kT0 + kDay), Budget(), Vaccine()});
  ASSERT_NE(Stored(copy).cluster_id(), Stored(CupFinal()).cluster_id());
  RelatedResult r = Find(CupFinal());
  EXPECT_THAT(Ids(r.related), Not(Contains(copy.id())));
  EXPECT_THAT(Ids(r.related), Contains(LeagueMatch("league", 0).id()));
  EXPECT_THAT(Ids(r.other_sources), ElementsAre(copy.id()));
}

TEST_F(RelatedTest, PrefersTheSameTopic) {
  Store({CupFinal(), LeagueMatch("league", kT0 + kDay), Budget(), Vaccine()});
  RelatedResult r = Find(CupFinal());
  ASSERT_FALSE(r.related.empty());
  EXPECT_EQ(r.related[0].id(), LeagueMatch("league", 0).id());
  // Whatever else is listed scores below the football report.
  for (std::size_t i = 1; i < r.related.size(); ++i) EXPECT_LT(r.related[i].score(), r.related[0].score());
  EXPECT_EQ(r.related[0].title(), "United lose league match at home");
  EXPECT_EQ(r.related[0].url(), LeagueMatch("league", 0).url());
}

TEST_F(RelatedTest, SharedTagsRaiseTheScore) {
  // Both football articles share words with the cup final; the transfer
  // report carries both of its tags, the league report one of the two.
  Store({CupFinal(), LeagueMatch("league", kT0 + kDay), Transfer()});
  RelatedResult r = Find(CupFinal());
  ASSERT_EQ(r.related.size(), 2u);
  const bool transfer_first = r.related[0].id() == Transfer().id();
  const double transfer = r.related[transfer_first ? 0 : 1].score();
  const double league = r.related[transfer_first ? 1 : 0].score();
  // The text part is above 0 and at most 1; the tags add their share.
  EXPECT_GT(transfer, kTagShare);
  EXPECT_LE(transfer, 1 + kTagShare);
  EXPECT_GT(league, kTagShare / 2);
  EXPECT_LE(league, 1 + kTagShare / 2);
}

TEST_F(RelatedTest, KeepsToTheTimeWindow) {
  const v1::Article later = LeagueMatch("league-later", kT0 + 90 * kDay);
  const v1::Article earlier = LeagueMatch("league-earlier", kT0 - 10 * kDay);
  Store({CupFinal(), later, earlier, Budget(), Vaccine()});
  RelatedResult r = Find(CupFinal(), 5, {.window_ms = 30 * kDay});
  ASSERT_FALSE(r.related.empty());
  EXPECT_EQ(r.related[0].id(), earlier.id());
  EXPECT_THAT(Ids(r.related), Not(Contains(later.id())));
  RelatedResult any_time = Find(CupFinal(), 5, {.window_ms = 0});
  EXPECT_THAT(Ids(any_time.related), Contains(later.id()));
  EXPECT_THAT(Ids(any_time.related), Contains(earlier.id()));
}

TEST_F(RelatedTest, RespectsTheLimit) {
  Store({CupFinal(), LeagueMatch("a", kT0 + 1), LeagueMatch("b", kT0 + 2), LeagueMatch("c", kT0 + 3),
         Transfer(), Budget()});
  EXPECT_EQ(Find(CupFinal(), 2).related.size(), 2u);
  EXPECT_EQ(Find(CupFinal(), 1).related.size(), 1u);
  // No limit: the finder's default.
  EXPECT_EQ(Find(CupFinal(), 0, {.limit = 3}).related.size(), 3u);
  RelatedFinder finder(*store_, index_path());
  auto refused = finder.Find(CupFinal().id(), kMaxRelated + 1);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  EXPECT_TRUE(absl::IsNotFound(finder.Find(std::string("no-such-id")).status()));
}

TEST_F(RelatedTest, FollowsANewVersion) {
  const v1::Article league = LeagueMatch("league", kT0 + kDay);
  Store({CupFinal(), league, Budget()});
  RelatedFinder finder(*store_, index_path(), {.cache_ms = 3600 * 1000});
  auto before = finder.Find(league.id());  // cached for an hour
  ASSERT_THAT(before, IsOk());
  ASSERT_FALSE(before->related.empty());
  EXPECT_EQ(before->related[0].id(), CupFinal().id());

  // The league report's source replaces it with a report on the budget.
  v1::Article replaced = Make("league", "Budget vote delayed in parliament",
                              "The finance minister delayed the parliament vote on the budget after members "
                              "of the opposition said the taxes on fuel were unfair to families.",
                              kT0 + kDay, {"Budget", "Parliament"});
  ASSERT_EQ(replaced.id(), league.id());
  Store({replaced});
  // A new version is not answered from the cache of the old one.
  auto after = finder.Find(replaced.id());
  ASSERT_THAT(after, IsOk());
  ASSERT_FALSE(after->related.empty());
  EXPECT_EQ(after->related[0].id(), Budget().id());
  // And the others see its new text and title.
  RelatedResult budget = Find(Budget());
  ASSERT_FALSE(budget.related.empty());
  EXPECT_EQ(budget.related[0].id(), replaced.id());
  EXPECT_EQ(budget.related[0].title(), "Budget vote delayed in parliament");
}

TEST_F(RelatedTest, AnArticleNotIndexedYetHasOnlyOtherSources) {
  Store({CupFinal()});
  std::vector<v1::Article> copy{CupFinalCopy()};
  ASSERT_THAT(store_->Upsert(copy), IsOk());  // not indexed
  RelatedResult r = Find(CupFinalCopy());
  EXPECT_FALSE(r.indexed);
  EXPECT_THAT(r.related, IsEmpty());
  EXPECT_THAT(Ids(r.other_sources), ElementsAre(CupFinal().id()));
}

TEST_F(RelatedTest, QueriesAnswerRelatedAndTimelines) {
  // The copy is stored first but is younger: the timeline is in time order.
  v1::Article early_copy = Make("cup-early", "City reach the final", "City won the cup final against United.",
                                kT0 - 3600 * 1000, {"Football"}, Fingerprint("cup") ^ 0b1);
  Store({CupFinalCopy(), CupFinal(), early_copy, LeagueMatch("league", kT0 + kDay)});
  const std::string cluster = Stored(CupFinal()).cluster_id();
  RelatedFinder finder(*store_, index_path());

  v1::QueryRequest q;
  q.set_related_id(CupFinal().id());
  v1::QueryResponse r = ExecuteQuery(*store_, q, {}, {}, &finder);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r.related_size(), 1);
  EXPECT_EQ(r.related(0).id(), LeagueMatch("league", 0).id());
  ASSERT_EQ(r.other_sources_size(), 2);
  EXPECT_EQ(r.other_sources(0).id(), early_copy.id());  // oldest first
  EXPECT_EQ(r.other_sources(1).id(), CupFinalCopy().id());

  v1::QueryRequest get;
  get.set_get_id(CupFinal().id());
  v1::QueryResponse got = ExecuteQuery(*store_, get, {}, {}, &finder);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got.articles(0).related_size(), 1);
  EXPECT_EQ(got.articles(0).other_sources_size(), 2);
  EXPECT_EQ(Stored(CupFinal()).related_size(), 0);  // never stored

  v1::QueryRequest timeline;
  timeline.set_cluster_timeline(cluster);
  v1::QueryResponse t = ExecuteQuery(*store_, timeline, {}, {}, &finder);
  ASSERT_TRUE(t.ok()) << t.error();
  std::vector<std::string> ids;
  for (const auto& a : t.articles()) ids.push_back(a.id());
  EXPECT_THAT(ids, ElementsAre(early_copy.id(), CupFinal().id(), CupFinalCopy().id()));
  EXPECT_FALSE(t.more());
  timeline.set_limit(2);
  t = ExecuteQuery(*store_, timeline, {}, {}, &finder);
  ids.clear();
  for (const auto& a : t.articles()) ids.push_back(a.id());
  EXPECT_THAT(ids, ElementsAre(early_copy.id(), CupFinal().id()));
  EXPECT_TRUE(t.more());

  timeline.set_cluster_timeline("no-such-cluster");
  EXPECT_FALSE(ExecuteQuery(*store_, timeline, {}, {}, &finder).ok());
  // Without the search index there are no related articles to ask for.
  EXPECT_FALSE(ExecuteQuery(*store_, q, {}, {}).ok());
}

}  // namespace
}  // namespace newsflow::store
