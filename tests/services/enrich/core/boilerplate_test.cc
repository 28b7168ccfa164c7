#include "services/enrich/core/boilerplate.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow::enrich {
namespace {

struct Case {
  std::string sentence;
  BoilerplateKind kind;
};

TEST(BoilerplateTest, ClassifiesSentences) {
  const Case cases[] = {
      {"See also: Ten things to know about harbour cranes", BoilerplateKind::kTailMarker},
      {"Want to learn more about robotics from industry leaders?", BoilerplateKind::kTailMarker},
      {"Explore other upcoming events and webinars here.", BoilerplateKind::kTailMarker},
      {"Read more", BoilerplateKind::kTailMarker},
      {"  “Read more: the port expansion plan", BoilerplateKind::kTailMarker},
      {"The post Harbour cranes get smarter appeared first on Port Weekly.", BoilerplateKind::kSentence},
      {"Click here to download the full report.", BoilerplateKind::kSentence},
      {"Subscribe to our newsletter for daily updates.", BoilerplateKind::kSentence},
      {"责任编辑：王明", BoilerplateKind::kSentence},
      {"The harbour installed four new cranes this spring.", BoilerplateKind::kNone},
      {"Subscribers to the ferry service pay less.", BoilerplateKind::kNone},
      {"Readers said the port looked busier.", BoilerplateKind::kNone},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyBoilerplate(c.sentence), c.kind) << c.sentence;
  }
}

}  // namespace
}  // namespace newsflow::enrich
