#include "services/enrich/core/tag_keys.h"

#include <cctype>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "common/util/text.h"

namespace newsflow::enrich {
namespace {

// Letters of an acronym as written ("SEC", "U.S."), lowercase; "" for any
// other name.
std::string AcronymLetters(std::string_view name) {
  std::string letters;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      letters.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c != '.') {
      return "";
    }
  }
  return letters.size() >= 2 ? letters : "";
}

// The initials of a capitalised name of two or more words, lowercase,
// skipping the small words names hold ("Bank of England" -> "be"); "" when
// a word is not capitalised. A hyphenated word gives each part's initial.
std::string Initials(std::string_view name) {
  std::string out;
  size_t words = 0;
  for (size_t begin = 0; begin < name.size();) {
    size_t end = name.find(' ', begin);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view word = name.substr(begin, end - begin);
    begin = end + 1;
    if (word.empty()) continue;
    if (word == "of" || word == "and" || word == "the" || word == "for" || word == "on") continue;
    if (!(word.front() >= 'A' && word.front() <= 'Z')) return "";
    ++words;
    bool start = true;
    for (char c : word) {
      if (start && std::isalpha(static_cast<unsigned char>(c)) != 0) {
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      start = c == '-';
    }
  }
  return words >= 2 ? out : "";
}

}  // namespace

void CanonicalizeTagKeys(std::vector<ScoredTag>* tags) {
  for (ScoredTag& tag : *tags) tag.key = TagKey(tag.name);
  for (ScoredTag& acronym : *tags) {
    const std::string letters = AcronymLetters(acronym.name);
    if (letters.empty()) continue;
    for (const ScoredTag& name : *tags) {
      if (&name != &acronym && Initials(name.name) == letters) {
        acronym.key = name.key;
        break;
      }
    }
  }
  absl::flat_hash_set<std::string> seen;
  std::erase_if(*tags, [&](const ScoredTag& tag) { return !seen.insert(tag.key).second; });
}

}  // namespace newsflow::enrich
