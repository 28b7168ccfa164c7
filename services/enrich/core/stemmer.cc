#include "services/enrich/core/stemmer.h"

#include <libstemmer.h>

#include <string>
#include <string_view>

namespace newsflow::enrich {

Stemmer::Stemmer(const char* language) : stemmer_(sb_stemmer_new(language, "UTF_8")) {}

Stemmer::~Stemmer() {
  if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
}

std::string_view Stemmer::Stem(std::string_view lower_word) {
  if (stemmer_ == nullptr) return lower_word;
  if (auto it = cache_.find(lower_word); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  const sb_symbol* stem = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(lower_word.data()),
                                          static_cast<int>(lower_word.size()));
  if (stem == nullptr) return lower_word;  // out of memory inside libstemmer
  std::string value(reinterpret_cast<const char*>(stem), static_cast<size_t>(sb_stemmer_length(stemmer_)));
  auto [it, inserted] = cache_.emplace(std::string(lower_word), std::move(value));
  return it->second;
}

}  // namespace newsflow::enrich
