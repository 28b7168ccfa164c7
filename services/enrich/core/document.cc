#include "services/enrich/core/document.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "services/enrich/core/boilerplate.h"
#include "services/enrich/core/language.h"
#include "services/enrich/core/stopwords.h"
#include "services/enrich/core/unicode_text.h"

namespace newsflow::enrich {
namespace {

// A tail marker ("See also: …") only cuts off the rest of the article when
// it appears in its last part; earlier it is dropped alone.
constexpr double kTailMarkerStart = 0.5;
// Longer "words" (encoded blobs, run-together junk) are stop tokens: they
// never stand in a tag or count for sentence similarity.
constexpr size_t kMaxWordBytes = 128;

bool StripPossessive(std::string_view* word) {
  for (std::string_view suffix : {std::string_view("'s"), std::string_view("\xE2\x80\x99s"),
                                  std::string_view("'S"), std::string_view("\xE2\x80\x99S")}) {
    if (word->size() > suffix.size() + 1 && word->ends_with(suffix)) {
      word->remove_suffix(suffix.size());
      return true;
    }
  }
  return false;
}

// An amount or ordinal written as one word: digits, then a magnitude or unit
// ("42m", "2.6bn", "5th", "1990s", "10km"). Like a number, it is no tag.
bool IsAmount(std::string_view word) {
  size_t digits = 0;
  while (digits < word.size() && ((word[digits] >= '0' && word[digits] <= '9') ||
                                  (digits > 0 && (word[digits] == '.' || word[digits] == ',')))) {
    ++digits;
  }
  if (digits == 0 || digits == word.size()) return false;
  std::string suffix(word.substr(digits));
  for (char& c : suffix) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  static constexpr std::string_view kSuffixes[] = {"m",  "bn", "tn", "k",  "p",  "pc",  "bp", "st", "nd",
                                                   "rd", "th", "s",  "km", "kg", "mph", "ft", "mm", "cm"};
  for (std::string_view known : kSuffixes) {
    if (suffix == known) return true;
  }
  return false;
}

// Hyphenated compounds stay whole: function words inside them
// ("out-of-print", "state-of-the-art") do not split a tag candidate.
void KeepHyphenatedCompounds(std::vector<Token>& tokens, uint32_t first, uint32_t end) {
  for (uint32_t t = first; t < end;) {
    uint32_t chain_end = t + 1;
    while (chain_end < end && tokens[chain_end].gap_before == Gap::kJoiner) ++chain_end;
    if (chain_end - t >= 2) {
      bool any_content = false;
      for (uint32_t k = t; k < chain_end; ++k) any_content = any_content || !tokens[k].stop;
      for (uint32_t k = t; k < chain_end && any_content; ++k) {
        if (tokens[k].kind != WordKind::kNumber) tokens[k].stop = false;
      }
    }
    t = chain_end;
  }
}

// Whether a listed non-function word begins a name when capitalised before
// a capitalised content word ("New York", "Old Trafford", "Time Warner").
bool MayBeginName(const Document& document, const Token& token, const Token& next) {
  if (!token.stop || !token.capitalized || token.acronym || token.kind != WordKind::kLetter || !token.latin ||
      !next.capitalized || next.stop || next.gap_before != Gap::kSpace) {
    return false;
  }
  const std::string& word = document.keys[token.word];
  // Honorifics precede names but are no part of them ("Mr McLetchie").
  return word.size() >= 2 && !IsEnglishFunctionWord(word) && word != "mr" && word != "mrs" && word != "ms" &&
         word != "dr";
}

// Inside a sentence, such a word begins a name: it is not a stop word there,
// so the name is not cut to its tail ("York"). Each name's first two words
// are added to `names`. At the start of a sentence or in a title, a capital
// says nothing; KeepKnownNameWords joins those occurrences later.
void KeepCapitalizedNameWords(const Document& document, std::vector<Token>& tokens, uint32_t first,
                              uint32_t end, absl::flat_hash_set<std::pair<uint32_t, uint32_t>>* names) {
  for (uint32_t t = first; t + 1 < end; ++t) {
    Token& token = tokens[t];
    if (token.sentence_initial || !MayBeginName(document, token, tokens[t + 1])) continue;
    token.stop = false;
    token.content = true;
    names->emplace(token.word, tokens[t + 1].word);
  }
}

// A name the text writes inside a sentence ("shares in Time Warner") is the
// same name where a sentence or the title opens with it ("Time Warner
// said..."), so that occurrence is no piece ("Warner") of it.
void KeepKnownNameWords(const Document& document, std::vector<Token>& tokens, uint32_t first, uint32_t end,
                        const absl::flat_hash_set<std::pair<uint32_t, uint32_t>>& names) {
  for (uint32_t t = first; t + 1 < end && !names.empty(); ++t) {
    Token& token = tokens[t];
    if (!MayBeginName(document, token, tokens[t + 1]) || !names.contains({token.word, tokens[t + 1].word})) {
      continue;
    }
    token.stop = false;
    token.content = true;
  }
}

// In Chinese text, a capital letter written against a Chinese word is part
// of the term ("T细胞", "B超", "X射线"), not a one-letter stop word that
// would cut the term to its Chinese tail ("细胞白血病" of "T细胞白血病").
void KeepLettersOfChineseTerms(std::string_view text, std::vector<Token>& tokens, uint32_t first,
                               uint32_t end) {
  for (uint32_t t = first; t + 1 < end; ++t) {
    Token& token = tokens[t];
    const Token& next = tokens[t + 1];
    if (!token.stop || !token.latin || token.kind != WordKind::kLetter || token.end - token.begin != 1 ||
        next.latin || next.stop || next.gap_before != Gap::kNone) {
      continue;
    }
    const char letter = text[token.begin];
    if (letter < 'A' || letter > 'Z') continue;
    token.stop = false;
    token.content = true;
  }
}

// " & " between capitalised words joins a name ("Tate & Lyle", "Marks &
// Spencer"): the second word's gap says so, so the name is one tag, not two.
void JoinAmpersandNames(std::string_view text, std::vector<Token>& tokens, uint32_t first, uint32_t end) {
  for (uint32_t t = first + 1; t < end; ++t) {
    Token& token = tokens[t];
    const Token& previous = tokens[t - 1];
    if (token.gap_before != Gap::kPunct || token.sentence_initial || !token.capitalized ||
        !previous.capitalized || !token.latin || !previous.latin || token.kind != WordKind::kLetter ||
        previous.kind != WordKind::kLetter) {
      continue;
    }
    if (text.substr(previous.end, token.begin - previous.end) == " & ") token.gap_before = Gap::kAmpersand;
  }
}

// Without a part-of-speech tagger, two cheap English cues stand in for
// "this word is a verb or adverb, not part of a noun phrase": a lowercase
// word right after "to" (infinitive), and a lowercase adverb in -ly.
void MarkVerbLikeWords(const Document& document, std::vector<Token>& tokens, uint32_t first, uint32_t end) {
  static constexpr std::string_view kNounsInLy[] = {
      "family",    "supply", "assembly",  "anomaly", "monopoly", "rally", "ally",
      "reply",     "italy",  "butterfly", "belly",   "jelly",    "bully", "lily",
      "oligopoly", "homily", "doily",     "gully",   "folly",
  };
  for (uint32_t t = first; t < end; ++t) {
    Token& token = tokens[t];
    if (token.stop || token.capitalized || !token.latin) continue;
    const std::string_view word = document.Surface(token);
    const std::string_view previous = t > first ? document.Surface(tokens[t - 1]) : "";
    if (token.gap_before == Gap::kSpace && (previous == "to" || previous == "To")) {
      token.stop = true;
      continue;
    }
    if (word.size() > 4 && word.ends_with("ly") &&
        std::find(std::begin(kNounsInLy), std::end(kNounsInLy), word) == std::end(kNounsInLy)) {
      token.stop = true;
    }
  }
}

void MarkBoilerplate(Document* document) {
  auto& sentences = document->sentences;
  const size_t tail_start = static_cast<size_t>(kTailMarkerStart * sentences.size());
  for (size_t i = 0; i < sentences.size(); ++i) {
    const BoilerplateKind kind = ClassifyBoilerplate(document->SentenceText(sentences[i]));
    if (kind == BoilerplateKind::kNone) continue;
    sentences[i].boilerplate = true;
    if (kind == BoilerplateKind::kTailMarker && i >= tail_start) {
      for (size_t j = i + 1; j < sentences.size(); ++j) sentences[j].boilerplate = true;
      return;
    }
  }
}

// True if `word` at [begin, end) of `text` is the name in an HTML character
// reference left in the text ("&amp;" of doubly escaped markup): a remnant of
// markup, not a word of the article.
bool IsEntityRemnant(std::string_view text, size_t begin, size_t end) {
  if (begin == 0 || end >= text.size() || text[begin - 1] != '&' || text[end] != ';') return false;
  const std::string_view word = text.substr(begin, end - begin);
  return word == "amp" || word == "quot" || word == "apos" || word == "lt" || word == "gt" ||
         word == "nbsp" || word == "mdash" || word == "ndash" || word == "hellip" || word == "rsquo" ||
         word == "lsquo" || word == "rdquo" || word == "ldquo";
}

// Length of an elided article or pronoun opening `word` in French or Italian
// ("l'", "d'", "qu'", "dell'"), apostrophe included; 0 if there is none.
size_t ElisionLength(std::string_view word) {
  static constexpr std::string_view kElided[] = {
      "l",      "d",  "j",    "m",   "n",    "s",    "t",    "c",     "qu",    "jusqu",  "lorsqu", "puisqu",
      "quoiqu", "un", "dell", "all", "dall", "nell", "sull", "quell", "quest", "nessun", "bell",
  };
  for (std::string_view apostrophe : {std::string_view("'"), std::string_view("\u2019")}) {
    const size_t at = word.find(apostrophe);
    if (at == std::string_view::npos || at == 0 || at > 6 || at + apostrophe.size() >= word.size()) {
      continue;
    }
    std::string prefix(word.substr(0, at));
    for (char& c : prefix) c = AsciiToLower(c);
    for (std::string_view elided : kElided) {
      if (prefix == elided) return at + apostrophe.size();
    }
  }
  return 0;
}

}  // namespace

void DocumentBuilder::SetLanguage(std::string_view language) {
  english_ = language == "en" || language == "und" || language.empty();
  elisions_ = language == "fr" || language == "it";
  // Latin words in Chinese or Japanese text, and languages without a list of
  // their own, get the English lists.
  stop_language_ =
      english_ || IsUnspacedLanguage(language) || !HasStopWordList(language) ? "en" : std::string(language);
  std::string stemmer_language = language == "und" ? "en" : std::string(language);
  if (language.empty() || IsUnspacedLanguage(language)) {
    stemmer_ = nullptr;
    return;
  }
  auto it = stemmers_.find(stemmer_language);
  if (it == stemmers_.end()) {
    auto stemmer = std::make_unique<Stemmer>(stemmer_language.c_str());
    if (!stemmer->ok()) stemmer.reset();
    it = stemmers_.emplace(stemmer_language, std::move(stemmer)).first;
  }
  stemmer_ = it->second.get();
}

uint32_t DocumentBuilder::InternKey(std::string_view key, Document* document) {
  if (auto it = key_ids_.find(key); it != key_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(document->keys.size());
  document->keys.emplace_back(key);
  key_ids_.emplace(std::string(key), id);
  return id;
}

void DocumentBuilder::AnalyseWord(std::string_view text, const WordSpan& span, Document* document,
                                  Token* token) {
  std::string_view word = text.substr(span.begin, span.end - span.begin);
  uint32_t begin = span.begin;
  if (elisions_ && span.kind == WordKind::kLetter) {
    const size_t elided = ElisionLength(word);
    word.remove_prefix(elided);
    begin += static_cast<uint32_t>(elided);
  }
  token->kind = span.kind;
  token->gap_before = span.gap_before;
  token->possessive = span.kind == WordKind::kLetter && StripPossessive(&word);
  token->begin = begin;
  token->end = static_cast<uint32_t>(begin + word.size());

  size_t pos = 0;
  const char32_t first = DecodeUtf8(word, &pos);
  const bool cjk = IsHan(first) || IsKana(first);
  token->latin = !cjk;
  token->capitalized = IsUpperLetter(first);

  if (span.kind == WordKind::kNumber || (span.kind == WordKind::kLetter && IsAmount(word))) {
    token->stop = true;
    token->content = CountCodePoints(word) >= 2;
    token->key = InternKey(word, document);
    token->word = token->key;
    return;
  }
  if (cjk || span.kind == WordKind::kIdeographic) {
    // Chinese words: listed function words are stop words; other single
    // characters are fragments of longer terms.
    const bool listed = IsChineseStopWord(word);
    token->fragment = !listed && CountCodePoints(word) == 1;
    token->zh_class = span.zh_class;
    token->bound = span.bound;
    token->stop = listed;
    token->content = !listed && !token->fragment;
    ToLower(word, &lower_);
    token->key = InternKey(lower_, document);
    token->word = token->key;
    return;
  }

  // Latin and other spaced scripts.
  size_t letters = 0;
  size_t upper = 0;
  for (size_t i = 0; i < word.size();) {
    const char32_t cp = DecodeUtf8(word, &i);
    if (IsLetter(cp)) {
      ++letters;
      if (IsUpperLetter(cp)) ++upper;
    }
  }
  if (word.size() > kMaxWordBytes) {
    token->stop = true;
    token->content = false;
    token->key = InternKey(word.substr(0, kMaxWordBytes), document);
    token->word = token->key;
    return;
  }
  token->acronym = letters >= 2 && upper == letters;
  ToLower(word, &lower_);
  if (token->acronym) {
    // "U.S" and "US" share a key; acronyms are not stemmed ("AIs" aside).
    std::erase(lower_, '.');
    token->stop = false;
    token->content = true;
    token->key = InternKey(lower_, document);
    token->word = token->key;
    return;
  }
  const bool too_short = letters == 0 || CountCodePoints(word) < 2;
  const bool remnant = IsEntityRemnant(text, span.begin, span.end);
  bool listed;
  bool function;
  if (stop_language_ == "en") {
    listed = IsEnglishStopWord(lower_);
    function = IsEnglishFunctionWord(lower_);
  } else {
    // The language's own list (function words only), and English function
    // words for quoted English.
    function = IsStopWord(stop_language_, lower_) || IsEnglishFunctionWord(lower_);
    listed = function;
  }
  token->stop = too_short || remnant || listed;
  token->content = !too_short && !remnant && (!token->stop || !function);
  token->word = InternKey(lower_, document);
  token->key =
      stemmer_ != nullptr && !token->stop ? InternKey(stemmer_->Stem(lower_), document) : token->word;
}

void DocumentBuilder::Build(std::string_view title, std::string_view text, std::string_view language,
                            Document* document) {
  SetLanguage(language);
  const bool unspaced = IsUnspacedLanguage(language);
  document->text = text;
  document->title = title;
  document->unspaced = unspaced;
  document->english = english_;
  document->sentences.clear();
  document->tokens.clear();
  document->title_keys.clear();
  document->title_tokens.clear();
  document->keys.clear();
  key_ids_.erase(key_ids_.begin(), key_ids_.end());  // keeps the table's capacity

  segmenter_->SplitSentences(text, &sentence_spans_);
  segmenter_->SplitWords(text, &word_spans_);

  document->sentences.reserve(sentence_spans_.size());
  document->tokens.reserve(word_spans_.size());
  size_t w = 0;
  // The first two words of the names found inside sentences (lowercase word
  // ids), for their occurrences at a sentence start and in the title.
  absl::flat_hash_set<std::pair<uint32_t, uint32_t>> names;
  for (const SentenceSpan& span : sentence_spans_) {
    Sentence sentence;
    sentence.begin = span.begin;
    sentence.end = span.end;
    sentence.paragraph = span.paragraph;
    sentence.terminal = span.terminal;
    sentence.first_token = static_cast<uint32_t>(document->tokens.size());
    // Words outside any sentence (none in practice) are skipped.
    while (w < word_spans_.size() && word_spans_[w].begin < span.begin) ++w;
    bool first = true;
    for (; w < word_spans_.size() && word_spans_[w].end <= span.end; ++w) {
      Token token;
      AnalyseWord(text, word_spans_[w], document, &token);
      token.sentence = static_cast<uint32_t>(document->sentences.size());
      token.sentence_initial = first;
      if (first) token.gap_before = Gap::kPunct;
      first = false;
      document->tokens.push_back(token);
    }
    sentence.end_token = static_cast<uint32_t>(document->tokens.size());
    if (english_) {
      KeepCapitalizedNameWords(*document, document->tokens, sentence.first_token, sentence.end_token, &names);
      MarkVerbLikeWords(*document, document->tokens, sentence.first_token, sentence.end_token);
    }
    if (!unspaced) {
      KeepHyphenatedCompounds(document->tokens, sentence.first_token, sentence.end_token);
      JoinAmpersandNames(text, document->tokens, sentence.first_token, sentence.end_token);
    } else {
      KeepLettersOfChineseTerms(text, document->tokens, sentence.first_token, sentence.end_token);
    }
    document->sentences.push_back(sentence);
  }
  if (english_) {
    KeepKnownNameWords(*document, document->tokens, 0, static_cast<uint32_t>(document->tokens.size()), names);
  }
  MarkBoilerplate(document);

  if (!title.empty()) {
    segmenter_->SplitWords(title, &word_spans_);
    // Title tokens refer to `title`; the title counts as one sentence
    // after the body's.
    bool first = true;
    for (const WordSpan& span : word_spans_) {
      Token token;
      AnalyseWord(title, span, document, &token);
      token.in_title = true;
      token.sentence = static_cast<uint32_t>(document->sentences.size());
      token.sentence_initial = first;
      if (first) token.gap_before = Gap::kPunct;
      first = false;
      document->title_tokens.push_back(token);
    }
    const auto end = static_cast<uint32_t>(document->title_tokens.size());
    if (english_) {
      KeepKnownNameWords(*document, document->title_tokens, 0, end, names);
      MarkVerbLikeWords(*document, document->title_tokens, 0, end);
    }
    if (!unspaced) {
      KeepHyphenatedCompounds(document->title_tokens, 0, end);
      JoinAmpersandNames(title, document->title_tokens, 0, end);
    } else {
      KeepLettersOfChineseTerms(title, document->title_tokens, 0, end);
    }
    for (const Token& token : document->title_tokens) {
      if (!token.stop) document->title_keys.push_back(token.key);
    }
  }
}

}  // namespace newsflow::enrich
