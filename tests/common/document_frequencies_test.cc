#include "common/util/document_frequencies.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace newsflow {
namespace {

std::map<uint64_t, double> AsMap(const std::vector<uint64_t>& terms, const std::vector<double>& counts) {
  std::map<uint64_t, double> out;
  for (size_t i = 0; i < terms.size(); ++i) out[terms[i]] = counts[i];
  return out;
}

TEST(DocumentFrequenciesTest, CountsDocumentsPerTerm) {
  DocumentFrequencies table;
  table.AddDocument(std::vector<uint64_t>{1, 2});
  table.AddDocument(std::vector<uint64_t>{2, 3});
  table.AddDocument(std::vector<uint64_t>{});  // no terms: not a document
  EXPECT_EQ(table.documents(), 2);
  EXPECT_EQ(table.Count(1), 1);
  EXPECT_EQ(table.Count(2), 2);
  EXPECT_EQ(table.Count(4), 0);
  EXPECT_EQ(table.size(), 3u);
}

TEST(DocumentFrequenciesTest, DeltaHoldsOnlyLocalCountsSinceTheLastCall) {
  DocumentFrequencies table;
  table.AddDocument(std::vector<uint64_t>{1, 2});
  table.Merge(10, std::vector<uint64_t>{1, 7}, std::vector<double>{4, 5});
  std::vector<uint64_t> terms;
  std::vector<double> counts;
  EXPECT_EQ(table.TakeDelta(&terms, &counts), 1);
  EXPECT_EQ(AsMap(terms, counts), (std::map<uint64_t, double>{{1, 1}, {2, 1}}));
  EXPECT_EQ(table.TakeDelta(&terms, &counts), 0);
  EXPECT_TRUE(terms.empty());
  table.AddDocument(std::vector<uint64_t>{2});
  EXPECT_EQ(table.TakeDelta(&terms, &counts), 1);
  EXPECT_EQ(AsMap(terms, counts), (std::map<uint64_t, double>{{2, 1}}));
  // Merged counts are in the table all the same.
  EXPECT_EQ(table.documents(), 12);
  EXPECT_EQ(table.Count(1), 5);
  EXPECT_EQ(table.Count(7), 5);
}

TEST(DocumentFrequenciesTest, MergeSkipsImpossibleValues) {
  DocumentFrequencies table;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  table.Merge(nan, std::vector<uint64_t>{1}, std::vector<double>{1});
  table.Merge(-3, std::vector<uint64_t>{1}, std::vector<double>{1});
  EXPECT_EQ(table.documents(), 0);
  EXPECT_EQ(table.Count(1), 0);
  // Counts above the document total are capped; bad counts are skipped; a
  // shorter count list leaves the extra terms out.
  table.Merge(2, std::vector<uint64_t>{1, 2, 3, 4}, std::vector<double>{50, -1, nan});
  EXPECT_EQ(table.documents(), 2);
  EXPECT_EQ(table.Count(1), 2);
  EXPECT_EQ(table.Count(2), 0);
  EXPECT_EQ(table.Count(3), 0);
  EXPECT_EQ(table.Count(4), 0);
}

TEST(DocumentFrequenciesTest, StaysBoundedByHalving) {
  DocumentFrequencies table(/*max_terms=*/100);
  for (uint64_t doc = 0; doc < 1000; ++doc) {
    // Term 0 in every document, plus two terms seen once.
    table.AddDocument(std::vector<uint64_t>{0, 1000 + 2 * doc, 1001 + 2 * doc});
    ASSERT_LE(table.size(), 101u);
  }
  // The common term keeps its share of the documents through the halvings.
  EXPECT_GT(table.Count(0), 0.9 * table.documents());
  EXPECT_LT(table.documents(), 1000);
  std::vector<uint64_t> terms;
  std::vector<double> counts;
  EXPECT_EQ(table.Export(&terms, &counts), table.documents());
  EXPECT_EQ(terms.size(), table.size());
  // The unreported delta is bounded too.
  table.TakeDelta(&terms, &counts);
  EXPECT_LE(terms.size(), 101u);
}

}  // namespace
}  // namespace newsflow

namespace newsflow {
namespace {

// Two reports of 1e308 documents once made the table inf; merged tables now
// saturate and stay finite, and keep their proportions.
TEST(DocumentFrequenciesTest, HugeMergesSaturateInsteadOfOverflowing) {
  DocumentFrequencies table;
  const std::vector<uint64_t> terms{1, 2};
  table.Merge(1e308, terms, std::vector<double>{1e308, 1e308});
  table.Merge(1e308, terms, std::vector<double>{1e308, 1e308});
  EXPECT_TRUE(std::isfinite(table.documents()));
  EXPECT_TRUE(std::isfinite(table.Count(1)));
  EXPECT_LE(table.Count(1), table.documents());

  DocumentFrequencies many;
  for (int i = 0; i < 30; ++i) many.Merge(1e12, terms, std::vector<double>{1e12, 5e11});
  EXPECT_LE(many.documents(), DocumentFrequencies::kMaxDocuments);
  EXPECT_GT(many.documents(), DocumentFrequencies::kMaxDocuments / 4);
  EXPECT_NEAR(many.Count(2) / many.Count(1), 0.5, 1e-9);
}

}  // namespace
}  // namespace newsflow
