#include "services/ingest/feed/html_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace newsflow::ingest {
namespace {

TEST(HtmlToTextTest, SeparatesParagraphs) {
  EXPECT_EQ(HtmlToText("<p>First  paragraph\n here.</p><p>Second.</p>"), "First paragraph here.\n\nSecond.");
  EXPECT_EQ(HtmlToText("<div>A<div>B</div>C</div>"), "A\n\nB\n\nC");
  EXPECT_EQ(HtmlToText("<h1>Title</h1>Body text<ul><li>one</li><li>two</li></ul>"),
            "Title\n\nBody text\n\none\n\ntwo");
}

TEST(HtmlToTextTest, BreaksLinesAtBr) {
  EXPECT_EQ(HtmlToText("<p>line one<br>line two<br/>  line three</p>"), "line one\nline two\nline three");
}

TEST(HtmlToTextTest, DecodesEntities) {
  EXPECT_EQ(HtmlToText("AT&amp;T &lt;b&gt; caf&eacute; &#8220;q&#x201D; a&nbsp;b"),
            "AT&T <b> caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D a b");
}

TEST(HtmlToTextTest, DropsNonContentElements) {
  EXPECT_EQ(
      HtmlToText("<html><head><title>T</title><style>p{}</style></head><body>"
                 "<nav>Home | About</nav><header>Site</header>"
                 "<p>Kept<script>var x = 1;</script></p>"
                 "<noscript>enable js</noscript><aside>ad</aside>"
                 "<form><label>Search <input value=q></label></form><footer>(c)</footer></body></html>"),
      "Kept");
}

TEST(HtmlToTextTest, KeepsPreformattedWhitespace) {
  EXPECT_EQ(HtmlToText("<p>code:</p><pre>a  b\n  c</pre>"), "code:\n\na  b\n  c");
}

TEST(HtmlToTextTest, HandlesPlainTextAndEmpty) {
  EXPECT_EQ(HtmlToText("  just   text \n"), "just text");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("<p></p><div> </div>"), "");
}

TEST(HtmlToTextTest, SurvivesHostileInput) {
  // Deep nesting is quadratic for the HTML tree builder; such input is
  // flattened instead, so this must finish quickly.
  std::string deep = "<p>first</p>";
  for (int i = 0; i < 50000; ++i) deep += "<div><span>";
  deep += "deep &amp; text<script>x()</script>";
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(HtmlToText(deep), "first\n\ndeep & text");
  EXPECT_EQ(SanitizeHtml(deep), "<p>first</p><p>deep &amp; text</p>");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(HtmlToText(std::string("\0\xFF\xFE<p\x80>x", 8)), "\xEF\xBF\xBD\xEF\xBF\xBDx");
}

TEST(HtmlToTextTest, ModeratelyNestedMarkupKeepsStructure) {
  std::string nested;
  for (int i = 0; i < 200; ++i) nested += "<div>";
  nested += "<p>a</p><p>b</p>";
  EXPECT_EQ(HtmlToText(nested), "a\n\nb");
}

TEST(SanitizeHtmlTest, KeepsAllowedMarkup) {
  EXPECT_EQ(SanitizeHtml("<p>Hi <a href=\"https://example.com/x\" title=\"t\">link</a> "
                         "<em>e</em><strong>s</strong></p>"),
            "<p>Hi <a href=\"https://example.com/x\" title=\"t\">link</a> "
            "<em>e</em><strong>s</strong></p>");
  EXPECT_EQ(SanitizeHtml("<img src=\"/a.png\" alt=\"A\" class=\"x\">"), "<img src=\"/a.png\" alt=\"A\">");
  EXPECT_EQ(SanitizeHtml("<table><tr><td colspan=2>x</td></tr></table>"),
            "<table><tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>");
}

TEST(SanitizeHtmlTest, DropsScriptsAndEventHandlers) {
  EXPECT_EQ(SanitizeHtml("<p onclick=\"steal()\" style=\"x\">Hi<script>alert(1)</script></p>"
                         "<style>body{}</style><iframe src=\"https://evil\"></iframe>"
                         "<object data=\"x\"></object>"),
            "<p>Hi</p>");
  EXPECT_EQ(SanitizeHtml("<img src=x onerror=\"alert(1)\">"), "<img src=\"x\">");
}

TEST(SanitizeHtmlTest, DropsJavascriptUrls) {
  EXPECT_EQ(SanitizeHtml("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(SanitizeHtml("<a href=\" JaVa\tScRiPt:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(SanitizeHtml("<a href=\"&#106;avascript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(SanitizeHtml("<img src=\"data:image/svg+xml;base64,AAAA\">"), "");
  EXPECT_EQ(SanitizeHtml("<a href=\"mailto:a@b.c\">m</a>"), "<a href=\"mailto:a@b.c\">m</a>");
}

TEST(SanitizeHtmlTest, UnwrapsUnknownContainersAndEscapesText) {
  EXPECT_EQ(SanitizeHtml("<div class=c><span>a &lt; b &amp; c</span></div>"), "a &lt; b &amp; c");
  EXPECT_EQ(SanitizeHtml("<font color=red>red</font>"), "red");
}

TEST(SanitizeHtmlTest, ResolvesRelativeUrlsAgainstBase) {
  EXPECT_EQ(SanitizeHtml("<a href=\"../b\">x</a><img src=\"i.png\">", "http://example.com/a/c"),
            "<a href=\"http://example.com/b\">x</a><img src=\"http://example.com/a/i.png\">");
}

}  // namespace
}  // namespace newsflow::ingest
