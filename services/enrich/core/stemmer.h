// Stemmer wraps a Snowball stemmer (libstemmer; English by default) with a
// cache of recent results, so that "subsidy" and "subsidies" share the key
// "subsidi".
//
// Thread-compatible: a Snowball stemmer keeps state between calls; use one
// Stemmer per thread.
//
//   Stemmer stemmer;
//   std::string_view key = stemmer.Stem("subsidies");  // "subsidi"
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_STEMMER_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_STEMMER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sb_stemmer;

namespace newsflow::enrich {

class Stemmer {
 public:
  Stemmer() : Stemmer("english") {}
  // `language`: a Snowball algorithm name or ISO 639-1 code ("fr", "de").
  explicit Stemmer(const char* language);
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // Returns the stem of `lower_word` (lowercase UTF-8). The view stays valid
  // until the next call. Falls back to `lower_word` itself if libstemmer
  // could not be initialised.
  std::string_view Stem(std::string_view lower_word);

  // False if libstemmer has no such algorithm (Stem then returns its input).
  bool ok() const { return stemmer_ != nullptr; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Bounds memory on long-running services; the cache is dropped when full.
  static constexpr size_t kMaxCacheEntries = 1 << 17;

  sb_stemmer* stemmer_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> cache_;
};

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_STEMMER_H_
