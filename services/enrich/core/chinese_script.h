// Traditional Chinese to simplified, character by character, so that one
// dictionary (jieba's, simplified) segments both scripts and a concept has
// one tag key in both (臺灣 and 台湾 -> 台湾).
//
// The table is ICU's "Traditional-Simplified" transform applied to every
// CJK ideograph of the Basic Multilingual Plane, once per process, keeping
// the characters it maps to exactly one other ideograph. Both are three
// UTF-8 bytes, so a converted text has the same length as the original and
// every byte offset means the same place in both: analysis runs on the
// simplified text, and what is shown (tag names, summary sentences, key
// points) is cut from the original at the same offsets.
//
// TagKey (common/util/text.h) converts whole names with ICU's transform
// instead, whose context rules keep 著 in 著名; analysis needs every offset
// kept, which only a character table guarantees.
//
// Thread-safe: the table is immutable after its first use.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_CHINESE_SCRIPT_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_CHINESE_SCRIPT_H_

#include <string>
#include <string_view>

namespace newsflow::enrich {

// When `text` is written in traditional script (its traditional forms
// outnumber its simplified-only ones), writes it with every traditional
// ideograph replaced by its simplified form into `*out` (`text.size()`
// bytes) and returns true; otherwise copies it and returns false.
bool ToSimplifiedChinese(std::string_view text, std::string* out);

// The piece of `original` at the place where `shown` occurs in `converted`
// (a text ToSimplifiedChinese made from `original`): a display string
// produced from the converted text, in the article's own script. `shown`
// itself when it does not occur there.
std::string InOriginalScript(std::string_view shown, std::string_view converted, std::string_view original);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_CHINESE_SCRIPT_H_
