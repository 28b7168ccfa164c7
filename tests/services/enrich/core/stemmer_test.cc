#include "services/enrich/core/stemmer.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow::enrich {
namespace {

TEST(StemmerTest, MergesInflectedVariants) {
  Stemmer stemmer;
  const std::string subsidy(stemmer.Stem("subsidy"));
  EXPECT_EQ(std::string(stemmer.Stem("subsidies")), subsidy);
  const std::string port(stemmer.Stem("port"));
  EXPECT_EQ(std::string(stemmer.Stem("ports")), port);
  const std::string connect(stemmer.Stem("connecting"));
  EXPECT_EQ(std::string(stemmer.Stem("connected")), connect);
}

TEST(StemmerTest, KeepsDistinctWordsApart) {
  Stemmer stemmer;
  const std::string harbour(stemmer.Stem("harbour"));
  EXPECT_NE(std::string(stemmer.Stem("harvest")), harbour);
}

TEST(StemmerTest, CachedResultIsStable) {
  Stemmer stemmer;
  const std::string first(stemmer.Stem("cranes"));
  stemmer.Stem("voyages");
  EXPECT_EQ(std::string(stemmer.Stem("cranes")), first);
  EXPECT_EQ(first, "crane");
}

}  // namespace
}  // namespace newsflow::enrich
