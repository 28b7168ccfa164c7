// Weighted, undirected graphs and personalised PageRank over them: the
// centrality measure behind both tag scoring (word co-occurrence graph) and
// sentence ranking (sentence similarity graph).
//
//   GraphBuilder builder(3);
//   builder.AddEdge(0, 1, 1.0);
//   builder.AddEdge(1, 2, 0.5);
//   std::vector<double> rank = PersonalizedPageRank(builder.Build(), teleport);
//
// Thread-compatible.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_GRAPH_RANK_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_GRAPH_RANK_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace newsflow::enrich {

// Compressed adjacency lists; every undirected edge is stored both ways.
struct WeightedGraph {
  uint32_t node_count = 0;
  std::vector<uint32_t> offsets;  // node_count + 1 entries
  std::vector<uint32_t> targets;
  std::vector<double> weights;
};

// Accumulates undirected edges; repeated edges add up their weights.
class GraphBuilder {
 public:
  explicit GraphBuilder(uint32_t node_count) : node_count_(node_count) {}

  // Self-loops and non-positive weights are ignored.
  // REQUIRES: a, b < node_count.
  void AddEdge(uint32_t a, uint32_t b, double weight);

  // Merges repeated edges (sorting them), so call it once.
  WeightedGraph Build();

 private:
  uint32_t node_count_;
  // (min << 32) | max, weight; repeated keys are merged by Build().
  std::vector<std::pair<uint64_t, double>> edges_;
};

struct PageRankOptions {
  double damping = 0.85;
  int max_iterations = 50;
  // Stops when the L1 change of the rank vector falls below this.
  double tolerance = 1e-4;
};

// Personalised PageRank: with probability 1 - damping the walk restarts at a
// node drawn from `teleport` (non-negative, any scale; uniform if all zero or
// empty). Isolated nodes redistribute their mass by `teleport` too. Returns
// one score per node, summing to 1.
std::vector<double> PersonalizedPageRank(const WeightedGraph& graph, std::span<const double> teleport,
                                         const PageRankOptions& options = {});

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_GRAPH_RANK_H_
