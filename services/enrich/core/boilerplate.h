// Recognises publisher and reader-app boilerplate sentences ("See also: …",
// "The post … appeared first on …", "Click here …") so that they never reach
// summaries, key points or tags.
//
// Matching is on the sentence text itself (case-insensitive for English), so
// it works on any sentence the segmenter produces. Thread-safe: pure
// functions over immutable tables.
#ifndef NEWSFLOW_SERVICES_ENRICH_CORE_BOILERPLATE_H_
#define NEWSFLOW_SERVICES_ENRICH_CORE_BOILERPLATE_H_

#include <string_view>

namespace newsflow::enrich {

enum class BoilerplateKind {
  kNone,
  // A promotional or navigational sentence; drop it alone.
  kSentence,
  // A sentence that opens the trailing promotional block of an article
  // ("See also: …", "Want to learn more …"); when it appears in the last part
  // of the text, everything after it is boilerplate too.
  kTailMarker,
};

// Classifies one sentence. Leading whitespace, quotes and bullets are
// ignored.
BoilerplateKind ClassifyBoilerplate(std::string_view sentence);

}  // namespace newsflow::enrich

#endif  // NEWSFLOW_SERVICES_ENRICH_CORE_BOILERPLATE_H_
