#include "services/enrich/core/graph_rank.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace newsflow::enrich {

void GraphBuilder::AddEdge(uint32_t a, uint32_t b, double weight) {
  if (a == b || !(weight > 0)) return;
  if (a > b) std::swap(a, b);
  edges_.emplace_back((uint64_t{a} << 32) | b, weight);
}

WeightedGraph GraphBuilder::Build() {
  // One sort and merge instead of a hash map node per edge.
  std::sort(edges_.begin(), edges_.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  size_t merged = 0;
  for (size_t i = 0; i < edges_.size(); ++i) {
    if (merged > 0 && edges_[merged - 1].first == edges_[i].first) {
      edges_[merged - 1].second += edges_[i].second;
    } else {
      edges_[merged++] = edges_[i];
    }
  }
  edges_.resize(merged);
  WeightedGraph graph;
  graph.node_count = node_count_;
  graph.offsets.assign(node_count_ + 1, 0);
  for (const auto& [key, weight] : edges_) {
    ++graph.offsets[(key >> 32) + 1];
    ++graph.offsets[(key & 0xFFFFFFFFu) + 1];
  }
  std::partial_sum(graph.offsets.begin(), graph.offsets.end(), graph.offsets.begin());
  graph.targets.resize(graph.offsets.back());
  graph.weights.resize(graph.offsets.back());
  std::vector<uint32_t> cursor(graph.offsets.begin(), graph.offsets.end() - 1);
  for (const auto& [key, weight] : edges_) {
    const auto a = static_cast<uint32_t>(key >> 32);
    const auto b = static_cast<uint32_t>(key & 0xFFFFFFFFu);
    graph.targets[cursor[a]] = b;
    graph.weights[cursor[a]++] = weight;
    graph.targets[cursor[b]] = a;
    graph.weights[cursor[b]++] = weight;
  }
  return graph;
}

std::vector<double> PersonalizedPageRank(const WeightedGraph& graph, std::span<const double> teleport,
                                         const PageRankOptions& options) {
  const uint32_t n = graph.node_count;
  if (n == 0) return {};
  std::vector<double> restart(n, 0.0);
  double restart_sum = 0;
  if (teleport.size() == n) {
    for (uint32_t i = 0; i < n; ++i) {
      restart[i] = std::max(0.0, teleport[i]);
      restart_sum += restart[i];
    }
  }
  if (restart_sum <= 0) {
    std::fill(restart.begin(), restart.end(), 1.0);
    restart_sum = n;
  }
  for (double& r : restart) r /= restart_sum;

  std::vector<double> strength(n, 0.0);
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e) strength[i] += graph.weights[e];
  }

  // Each node hands its rank out in proportion to edge weight; the share
  // per unit of weight is computed once per iteration, not per edge.
  std::vector<double> inverse_strength(n, 0.0);
  for (uint32_t i = 0; i < n; ++i) {
    if (strength[i] > 0) inverse_strength[i] = 1.0 / strength[i];
  }
  std::vector<double> rank(restart);
  std::vector<double> next(n);
  std::vector<double> share(n);
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    double dangling = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (strength[i] <= 0) dangling += rank[i];
      share[i] = rank[i] * inverse_strength[i];
    }
    for (uint32_t i = 0; i < n; ++i) {
      double incoming = 0;
      for (uint32_t e = graph.offsets[i]; e < graph.offsets[i + 1]; ++e) {
        incoming += share[graph.targets[e]] * graph.weights[e];
      }
      next[i] = (1 - options.damping) * restart[i] + options.damping * (incoming + dangling * restart[i]);
    }
    double change = 0;
    for (uint32_t i = 0; i < n; ++i) change += std::fabs(next[i] - rank[i]);
    rank.swap(next);
    if (change < options.tolerance) break;
  }
  return rank;
}

}  // namespace newsflow::enrich
