#include "services/enrich/core/language.h"

#include <cstdio>  // first: compact_lang_det.h uses FILE without including it

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <string>
#include <string_view>

#include "services/enrich/core/unicode_text.h"

namespace newsflow::enrich {
namespace {

constexpr size_t kMaxBytes = 32 * 1024;
// Han characters needed before the script alone says Chinese: a short
// Japanese headline can be all kanji.
constexpr size_t kMinHanForScriptDecision = 16;

struct ScriptCounts {
  size_t letters = 0;
  size_t latin = 0;  // letters below U+0250 (Basic Latin to Latin Extended-B)
  size_t han = 0;
  size_t kana = 0;
  size_t hangul = 0;
};

ScriptCounts CountScripts(std::string_view text) {
  ScriptCounts counts;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = DecodeUtf8(text, &pos);
    if (cp < 0x80) {
      if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
        ++counts.letters;
        ++counts.latin;
      }
      continue;
    }
    if (IsHan(cp)) {
      ++counts.han;
      ++counts.letters;
    } else if (IsKana(cp)) {
      ++counts.kana;
      ++counts.letters;
    } else if (IsHangul(cp)) {
      ++counts.hangul;
      ++counts.letters;
    } else if (IsLetter(cp)) {
      ++counts.letters;
      if (cp < 0x250) ++counts.latin;
    }
  }
  return counts;
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view Prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string NormaliseCode(const char* code) {
  std::string out = code == nullptr ? "" : code;
  if (out.starts_with("zh")) return "zh";  // "zh-Hant" and "zh"
  if (out.empty() || out == "un" || out == "xxx") return "und";
  return out;
}

// The writing system most of the letters of `text` belong to.
enum class Script { kNone, kLatin, kChinese, kJapanese, kKorean, kOther };

Script DominantScript(std::string_view text) {
  const ScriptCounts counts = CountScripts(text);
  if (counts.letters == 0) return Script::kNone;
  const size_t cjk = counts.han + counts.kana + counts.hangul;
  if (cjk * 2 >= counts.letters) {
    if (counts.hangul * 2 > cjk) return Script::kKorean;
    if (counts.kana * 10 >= cjk) return Script::kJapanese;
    return Script::kChinese;
  }
  return counts.latin * 2 >= counts.letters ? Script::kLatin : Script::kOther;
}

}  // namespace

LanguageGuess DetectFieldLanguage(std::string_view field, std::string_view context,
                                  const LanguageGuess& context_language) {
  if (context_language.code == "und") return DetectLanguage(field);
  LanguageGuess guess = DetectLanguage(field, context_language.code);
  if (guess.reliable) return guess;
  const Script script = DominantScript(Prefix(field, kMaxBytes));
  if (script != Script::kNone && script == DominantScript(Prefix(context, kMaxBytes))) {
    guess.code = context_language.code;
  }
  return guess;
}

LanguageGuess DetectLanguage(std::string_view text) { return DetectLanguage(text, {}); }

LanguageGuess DetectLanguage(std::string_view text, std::string_view hint) {
  text = Prefix(text, kMaxBytes);
  LanguageGuess guess;
  if (text.empty()) return guess;

  // Chinese is the one language written in Han characters alone. When they
  // are most of the letters and there is no kana or hangul, the script
  // decides, as CLD2 would, at a fraction of its cost.
  const ScriptCounts counts = CountScripts(text);
  if (counts.kana == 0 && counts.hangul == 0 && counts.han >= kMinHanForScriptDecision &&
      counts.han * 10 >= counts.letters * 6) {
    guess.code = "zh";
    guess.reliable = true;
    return guess;
  }

  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double normalized_score3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool is_reliable = false;
  int valid_prefix_bytes = 0;
  const std::string hint_code(hint);
  const CLD2::CLDHints hints{hint_code.c_str(), "", CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  const CLD2::Language language = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, hint.empty() ? nullptr : &hints,
      /*flags=*/0, language3, percent3, normalized_score3,
      /*resultchunkvector=*/nullptr, &text_bytes, &is_reliable, &valid_prefix_bytes);
  const std::string code =
      language == CLD2::UNKNOWN_LANGUAGE ? std::string("und") : NormaliseCode(CLD2::LanguageCode(language));
  if (is_reliable && code != "und") {
    guess.code = code;
    guess.reliable = true;
    return guess;
  }

  // CLD2 is unsure: let the script decide for CJK text, where it is decisive.
  const size_t cjk = counts.han + counts.kana + counts.hangul;
  if (counts.letters > 0 && cjk * 10 >= counts.letters * 3) {
    if (counts.hangul * 2 > cjk) {
      guess.code = "ko";
    } else if (counts.kana * 10 >= cjk) {
      guess.code = "ja";
    } else {
      guess.code = "zh";
    }
    return guess;
  }
  // Otherwise keep CLD2's best guess when it has one, still unreliable.
  guess.code = code;
  return guess;
}

bool IsUnspacedLanguage(std::string_view code) { return code == "zh" || code == "ja"; }

}  // namespace newsflow::enrich
