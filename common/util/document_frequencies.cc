#include "common/util/document_frequencies.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace newsflow {

void DocumentFrequencies::Add(std::unordered_map<uint64_t, double>* table, uint64_t term, double count) {
  (*table)[term] += count;
}

void DocumentFrequencies::HalveIfFull(std::unordered_map<uint64_t, double>* table, double* documents) {
  if (table->size() <= max_terms_) return;
  Halve(table, documents);
}

void DocumentFrequencies::Halve(std::unordered_map<uint64_t, double>* table, double* documents) {
  *documents /= 2;
  for (auto it = table->begin(); it != table->end();) {
    it->second /= 2;
    it = it->second < 1 ? table->erase(it) : std::next(it);
  }
}

void DocumentFrequencies::AddDocument(std::span<const uint64_t> distinct_terms) {
  if (distinct_terms.empty()) return;
  documents_ += 1;
  delta_documents_ += 1;
  for (uint64_t term : distinct_terms) {
    Add(&counts_, term, 1);
    Add(&delta_, term, 1);
  }
  HalveIfFull(&counts_, &documents_);
  // An unreported delta is bounded the same way (the reports are then
  // approximate, which frequencies tolerate).
  HalveIfFull(&delta_, &delta_documents_);
}

void DocumentFrequencies::Merge(double documents, std::span<const uint64_t> terms,
                                std::span<const double> counts) {
  if (!std::isfinite(documents) || documents <= 0) return;
  documents = std::min(documents, kMaxDocuments);
  documents_ += documents;
  const size_t n = std::min(terms.size(), counts.size());
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(counts[i]) && counts[i] > 0) Add(&counts_, terms[i], std::min(counts[i], documents));
  }
  HalveIfFull(&counts_, &documents_);
  // Saturate: however much is merged, the table stays finite (a count never
  // exceeds the document total, so bounding that bounds every count).
  while (documents_ > kMaxDocuments) Halve(&counts_, &documents_);
}

double DocumentFrequencies::TakeDelta(std::vector<uint64_t>* terms, std::vector<double>* counts) {
  terms->clear();
  counts->clear();
  terms->reserve(delta_.size());
  counts->reserve(delta_.size());
  for (const auto& [term, count] : delta_) {
    terms->push_back(term);
    counts->push_back(count);
  }
  const double documents = delta_documents_;
  delta_.clear();
  delta_documents_ = 0;
  return documents;
}

double DocumentFrequencies::Export(std::vector<uint64_t>* terms, std::vector<double>* counts) const {
  terms->clear();
  counts->clear();
  terms->reserve(counts_.size());
  counts->reserve(counts_.size());
  for (const auto& [term, count] : counts_) {
    terms->push_back(term);
    counts->push_back(count);
  }
  return documents_;
}

double DocumentFrequencies::Count(uint64_t term) const {
  const auto it = counts_.find(term);
  return it == counts_.end() ? 0.0 : it->second;
}

}  // namespace newsflow
