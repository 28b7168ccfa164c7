#include "services/enrich/core/chinese_script.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow::enrich {
namespace {

TEST(ChineseScriptTest, TraditionalTextIsConvertedCharacterByCharacter) {
  const std::string traditional = "臺灣的電動車產業快速發展，廠商投入電池研發。";
  std::string out;
  ASSERT_TRUE(ToSimplifiedChinese(traditional, &out));
  EXPECT_EQ(out, "台湾的电动车产业快速发展，厂商投入电池研发。");
  EXPECT_EQ(out.size(), traditional.size());
}

TEST(ChineseScriptTest, SimplifiedTextIsLeftAsWritten) {
  // 著 and 乾 are also simplified characters (著名, 乾隆): a simplified text
  // that holds them is not converted.
  const std::string simplified = "这位著名学者说，乾隆年间的档案显示这些文件很重要。";
  std::string out;
  EXPECT_FALSE(ToSimplifiedChinese(simplified, &out));
  EXPECT_EQ(out, simplified);
  EXPECT_FALSE(ToSimplifiedChinese("Plain English text.", &out));
  EXPECT_EQ(out, "Plain English text.");
}

TEST(ChineseScriptTest, ShownTextIsCutFromTheOriginal) {
  const std::string traditional = "多家廠商投入電池研發";
  std::string converted;
  ASSERT_TRUE(ToSimplifiedChinese(traditional, &converted));
  EXPECT_EQ(InOriginalScript("电池研发", converted, traditional), "電池研發");
  EXPECT_EQ(InOriginalScript("不在文中", converted, traditional), "不在文中");
}

}  // namespace
}  // namespace newsflow::enrich
