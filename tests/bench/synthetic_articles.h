// Generated articles for the store benches (search_bench.cc,
// store_scale.cc): realistic in the ways that cost the store and its
// search index, made up in every word.
//
// Half are English-like: made-up words drawn from a 20,000-word vocabulary
// with Zipf frequencies, 8-word titles, 400-word bodies with a full stop
// every 15 words. Half are Chinese-like: 600 characters drawn, also Zipf,
// from the first 3,000 CJK ideographs, 16-character titles. Each has three
// tags (with their keys), one of 20 sources, a distinct fingerprint spread
// over the bits (so no two are taken for copies), and publication times one
// second apart ending at `end_ms`. Article i is the same for the same seed.
#ifndef NEWSFLOW_TESTS_BENCH_SYNTHETIC_ARTICLES_H_
#define NEWSFLOW_TESTS_BENCH_SYNTHETIC_ARTICLES_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/util/text.h"
#include "newsflow/v1/article.pb.h"

namespace newsflow::bench {

// Index i in [0, n) with probability ~ 1/(i+1).
class Zipf {
 public:
  explicit Zipf(std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) cdf_.push_back(sum += 1.0 / static_cast<double>(i + 1));
    for (double& c : cdf_) c /= sum;
  }
  std::size_t operator()(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min(cdf_.size() - 1,
                    static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()));
  }

 private:
  std::vector<double> cdf_;
};

class SyntheticArticles {
 public:
  // `total` articles, the last published at `end_ms`.
  SyntheticArticles(std::size_t total, int64_t end_ms, uint64_t seed = 42)
      : total_(total), end_ms_(end_ms), rng_(seed), words_(kVocabulary), chars_(kIdeographs) {
    static const char* kSyllables[] = {"ka", "lo", "mi",  "ne",   "ru",  "ta",  "vo",   "si",  "pe",  "da",
                                       "gu", "zo", "bri", "ston", "mar", "tel", "quin", "sha", "dor", "fen"};
    for (std::size_t i = 0; i < kVocabulary; ++i) {
      std::string w;
      const int syllables = 1 + static_cast<int>(rng_() % 3);
      for (int s = 0; s < syllables; ++s) w += kSyllables[rng_() % 20];
      vocabulary_.push_back(w + (i % 7 == 0 ? "s" : ""));
    }
  }

  // `n` words (English-like) or characters (Chinese-like), drawn by frequency.
  std::string Phrase(bool zh, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      if (zh) {
        s += Ideograph(chars_(rng_));
      } else {
        s += (i ? " " : "") + vocabulary_[words_(rng_)];
        if (i % 15 == 14) s += ".";
      }
    }
    return s;
  }

  // Article i (odd ones Chinese-like). Restarting the random stream with
  // Reseed() makes the same sequence of calls give the same articles.
  v1::Article Make(std::size_t i) {
    const bool zh = i % 2 == 1;
    v1::Article a;
    a.set_id(fmt::format("{:016x}", i + 1));
    a.set_title(Phrase(zh, zh ? 16 : 8));
    a.set_text(Phrase(zh, zh ? 600 : 400));
    a.set_version(fmt::format("v{}", i));
    a.set_url(fmt::format("https://news.example/{}", i));
    a.set_published_at_ms(end_ms_ - static_cast<int64_t>(total_ - std::min(i, total_)) * 1000);
    a.mutable_source()->set_id(fmt::format("src-{}", i % 20));
    a.mutable_enrichment()->set_language(zh ? "zh" : "en");
    for (int t = 0; t < 3; ++t) {
      v1::Tag* tag = a.mutable_enrichment()->add_tags();
      tag->set_name(Phrase(zh, zh ? 3 : 2));
      tag->set_key(TagKey(tag->name()));
    }
    a.mutable_enrichment()->set_fingerprint((i + 1) * 0x9E3779B97F4A7C15ULL);
    return a;
  }

  void Reseed(uint64_t seed) { rng_.seed(seed); }
  std::mt19937_64& rng() { return rng_; }

 private:
  static constexpr std::size_t kVocabulary = 20000;
  static constexpr std::size_t kIdeographs = 3000;

  static std::string Ideograph(std::size_t i) {
    const char32_t c = U'\u4E00' + static_cast<char32_t>(i);
    std::string out;
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
    return out;
  }

  std::size_t total_;
  int64_t end_ms_;
  std::mt19937_64 rng_;
  std::vector<std::string> vocabulary_;
  Zipf words_, chars_;
};

// The p-th quantile (0..1) of `v`, nearest rank; 0 when empty.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace newsflow::bench

#endif  // NEWSFLOW_TESTS_BENCH_SYNTHETIC_ARTICLES_H_
