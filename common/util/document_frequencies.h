// DocumentFrequencies counts, for each term (a 64-bit hash), how many
// documents contained it, in a bounded table: when it grows past its limit
// every count and the document total are halved and terms left below one
// document are forgotten, so memory stays fixed while recent vocabulary
// keeps its weight.
//
// Enrich workers each count the articles they see and exchange what they
// counted through the store (see TermCounts in proto/newsflow/v1): a worker
// reports the delta of its own counts since its last report (TakeDelta) and
// folds in the deltas of other workers and the store's snapshot (Merge), so
// all workers converge on the frequencies of the whole stream.
//
//   DocumentFrequencies table;
//   table.AddDocument(distinct_term_hashes);
//   double df = table.Count(hash);
//
// Thread-compatible.
#ifndef NEWSFLOW_COMMON_UTIL_DOCUMENT_FREQUENCIES_H_
#define NEWSFLOW_COMMON_UTIL_DOCUMENT_FREQUENCIES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace newsflow {

class DocumentFrequencies {
 public:
  // The document total never grows past this: a merge that would pass it
  // halves the table (as a full one does), so no count becomes inf.
  static constexpr double kMaxDocuments = 1e13;

  // Terms kept at most; also bounds an unreported delta.
  explicit DocumentFrequencies(size_t max_terms = size_t{1} << 18) : max_terms_(max_terms) {}

  // Counts one document holding `distinct_terms` (no repeats), locally: the
  // counts also go to the delta that TakeDelta reports.
  void AddDocument(std::span<const uint64_t> distinct_terms);

  // Adds counts learned elsewhere (another worker's delta, a snapshot); they
  // are not reported again by TakeDelta. `terms` and `counts` are parallel;
  // non-finite or negative values are ignored, and counts are capped at
  // `documents`, which is capped at kMaxDocuments.
  void Merge(double documents, std::span<const uint64_t> terms, std::span<const double> counts);

  // Moves the local counts added since the last call into `*terms` /
  // `*counts` (replacing their contents) and returns their document count;
  // 0 when there is nothing to report.
  double TakeDelta(std::vector<uint64_t>* terms, std::vector<double>* counts);

  // Every term and count (for snapshots); returns the document total.
  double Export(std::vector<uint64_t>* terms, std::vector<double>* counts) const;

  // Documents containing `term`, 0 if unknown.
  double Count(uint64_t term) const;
  double documents() const { return documents_; }
  size_t size() const { return counts_.size(); }

 private:
  void Add(std::unordered_map<uint64_t, double>* table, uint64_t term, double count);
  void HalveIfFull(std::unordered_map<uint64_t, double>* table, double* documents);
  static void Halve(std::unordered_map<uint64_t, double>* table, double* documents);

  size_t max_terms_;
  double documents_ = 0;
  std::unordered_map<uint64_t, double> counts_;
  double delta_documents_ = 0;
  std::unordered_map<uint64_t, double> delta_;
};

}  // namespace newsflow

#endif  // NEWSFLOW_COMMON_UTIL_DOCUMENT_FREQUENCIES_H_
