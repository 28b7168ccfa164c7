#include "services/enrich/core/graph_rank.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace newsflow::enrich {
namespace {

TEST(GraphRankTest, HubOfStarRanksFirst) {
  GraphBuilder builder(5);
  for (uint32_t leaf = 1; leaf < 5; ++leaf) builder.AddEdge(0, leaf, 1.0);
  const std::vector<double> rank = PersonalizedPageRank(builder.Build(), {});
  ASSERT_EQ(rank.size(), 5u);
  for (uint32_t leaf = 1; leaf < 5; ++leaf) EXPECT_GT(rank[0], rank[leaf]);
  EXPECT_NEAR(std::accumulate(rank.begin(), rank.end(), 0.0), 1.0, 1e-6);
}

TEST(GraphRankTest, TeleportFavoursChosenNode) {
  // A path 0-1-2-3: symmetric, so only the restart vector breaks the tie.
  GraphBuilder builder(4);
  builder.AddEdge(0, 1, 1.0);
  builder.AddEdge(1, 2, 1.0);
  builder.AddEdge(2, 3, 1.0);
  const WeightedGraph graph = builder.Build();
  const std::vector<double> teleport = {1.0, 0.0, 0.0, 0.0};
  const std::vector<double> rank = PersonalizedPageRank(graph, teleport);
  EXPECT_GT(rank[0], rank[3]);
  EXPECT_GT(rank[1], rank[2]);
}

TEST(GraphRankTest, RepeatedEdgesAddUpAndSelfLoopsAreIgnored) {
  GraphBuilder builder(3);
  builder.AddEdge(0, 1, 1.0);
  builder.AddEdge(1, 0, 2.0);
  builder.AddEdge(2, 2, 5.0);
  const WeightedGraph graph = builder.Build();
  ASSERT_EQ(graph.offsets.size(), 4u);
  EXPECT_EQ(graph.offsets[3], 2u);  // one undirected edge stored twice
  EXPECT_DOUBLE_EQ(graph.weights[0], 3.0);
}

TEST(GraphRankTest, EmptyGraph) { EXPECT_TRUE(PersonalizedPageRank(WeightedGraph{}, {}).empty()); }

}  // namespace
}  // namespace newsflow::enrich
