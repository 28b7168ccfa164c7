#include "services/enrich/core/boilerplate.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace newsflow::enrich {
namespace {

// Sentence openings that start the promotional tail of an article.
constexpr std::string_view kTailPrefixes[] = {
    "see also",
    "read more",
    "read also",
    "related:",
    "related articles",
    "related stories",
    "related coverage",
    "want to learn more",
    "explore other",
    "more from",
    "recommended for you",
    "you may also like",
    "you might also like",
    "相关文章",
    "相关阅读",
    "延伸阅读",
    "推荐阅读",
};

// Sentence openings that mark a single promotional or navigational line.
constexpr std::string_view kSentencePrefixes[] = {
    "click here",
    "check out",
    "subscribe",
    "sign up",
    "follow us",
    "share this",
    "share on",
    "advertisement",
    "sponsored",
    "copyright",
    "©",
    "all rights reserved",
    "this article was originally published",
    "this story was originally published",
    "originally published",
    "image:",
    "photo:",
    "image credit",
    "photo credit",
    "source:",
    "editor's note",
    "editor’s note",
    "download our",
    "get the latest",
    "join our",
    "listen to",
    "watch:",
    "责任编辑",
    "本文来源",
    "原标题",
    "点击",
    "关注我们",
    "版权所有",
    "免责声明",
    "来源：",
    "编辑：",
};

// Phrases that mark boilerplate wherever they occur in the sentence.
constexpr std::string_view kSentenceInfixes[] = {
    "appeared first on", "all rights reserved",
    "click here",        "sign up for our newsletter",
    "subscribe to our",  "follow us on",
    "cookie policy",     "privacy policy",
    "terms of service",  "upcoming enterprise technology events",
    "未经授权",          "转载请注明",
};

// Lowercases ASCII letters only; the Chinese patterns need no folding.
std::string AsciiLower(std::string_view text, size_t limit) {
  std::string out(text.substr(0, limit));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// True if `lower` starts with `prefix` and the prefix ends at a word boundary,
// so "subscribe" does not match "subscribers".
bool StartsWithWord(std::string_view lower, std::string_view prefix) {
  if (!lower.starts_with(prefix)) return false;
  if (lower.size() == prefix.size()) return true;
  const char next = lower[prefix.size()];
  const char last = prefix.back();
  const bool last_is_letter = last >= 'a' && last <= 'z';
  return !last_is_letter || !(next >= 'a' && next <= 'z');
}

std::string_view TrimLeading(std::string_view text) {
  // Skips spaces, ASCII quotes/bullets and the UTF-8 encodings of curly
  // quotes, bullets and dashes.
  static constexpr std::string_view kSkippable[] = {
      " ", "\t", "\r", "\n", "\"", "'", "*", "-", "•", "“", "‘", "–", "—", "·", ">", "»",
  };
  bool changed = true;
  while (changed && !text.empty()) {
    changed = false;
    for (std::string_view s : kSkippable) {
      if (text.starts_with(s)) {
        text.remove_prefix(s.size());
        changed = true;
      }
    }
  }
  return text;
}

}  // namespace

BoilerplateKind ClassifyBoilerplate(std::string_view sentence) {
  sentence = TrimLeading(sentence);
  // Boilerplate lines are short; the infix check only needs the first few
  // hundred bytes.
  const std::string lower = AsciiLower(sentence, 400);
  for (std::string_view p : kTailPrefixes) {
    if (StartsWithWord(lower, p)) return BoilerplateKind::kTailMarker;
  }
  for (std::string_view p : kSentencePrefixes) {
    if (StartsWithWord(lower, p)) return BoilerplateKind::kSentence;
  }
  for (std::string_view p : kSentenceInfixes) {
    if (lower.find(p) != std::string::npos) return BoilerplateKind::kSentence;
  }
  return BoilerplateKind::kNone;
}

}  // namespace newsflow::enrich
