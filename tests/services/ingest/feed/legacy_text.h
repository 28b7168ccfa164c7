// Real-language sample text for the charset tests, and an ICU encoder to
// produce it in legacy charsets: a detector needs a few sentences, as a feed
// item has.
#ifndef NEWSFLOW_TESTS_SERVICES_INGEST_FEED_LEGACY_TEXT_H_
#define NEWSFLOW_TESTS_SERVICES_INGEST_FEED_LEGACY_TEXT_H_

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>
#include <string_view>

namespace newsflow::ingest {

inline constexpr char kTraditionalChinese[] =
    "我希望這篇文章很容易翻譯成中文，並且有助於改進軟件。感謝您閱讀本文。今天的新聞報導說，"
    "政府將在明年推出新的經濟政策，以促進國內的就業和投資。專家認為，這些措施將有助於穩定市場。";
inline constexpr char kSimplifiedChinese[] =
    "今天的新闻报道说，政府将在明年推出新的经济政策，以促进国内的就业和投资。专家认为，"
    "这些措施将有助于稳定市场，提高人民的生活水平。记者在北京采访了多位经济学家。";
inline constexpr char kJapanese[] =
    "今日のニュースによると、政府は来年新しい経済政策を発表する予定です。専門家は、"
    "これらの対策が市場の安定に役立つと考えています。東京の天気は明日も晴れるでしょう。";
inline constexpr char kKorean[] =
    "오늘의 뉴스에 따르면 정부는 내년에 새로운 경제 정책을 발표할 예정입니다. "
    "전문가들은 이러한 조치가 시장 안정에 도움이 될 것이라고 생각합니다. 서울의 날씨는 맑겠습니다.";
inline constexpr char kThai[] =
    "ข่าวเทคโนโลยีวันนี้ รัฐบาลประกาศแผนส่งเสริมปัญญาประดิษฐ์ "
    "และบริษัทในประเทศเริ่มพัฒนาชิปของตัวเองเพื่อลดการพึ่งพาการนำเข้า";

inline constexpr char kRussian[] =
    "Сегодня правительство объявило о новой экономической политике, которая должна поддержать "
    "занятость и инвестиции в стране. Эксперты считают, что эти меры помогут стабилизировать "
    "рынок и повысить уровень жизни населения.";

// `utf8` converted to `charset` with ICU.
inline std::string EncodeWithIcu(std::string_view utf8, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* utf8_converter = ucnv_open("UTF-8", &status);
  UConverter* target = ucnv_open(charset, &status);
  std::string out(utf8.size() * 4 + 16, '\0');
  char* dest = out.data();
  const char* source = utf8.data();
  ucnv_convertEx(target, utf8_converter, &dest, out.data() + out.size(), &source, utf8.data() + utf8.size(),
                 nullptr, nullptr, nullptr, nullptr, true, true, &status);
  ucnv_close(utf8_converter);
  ucnv_close(target);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(static_cast<size_t>(dest - out.data()));
  return out;
}

}  // namespace newsflow::ingest

#endif  // NEWSFLOW_TESTS_SERVICES_INGEST_FEED_LEGACY_TEXT_H_
