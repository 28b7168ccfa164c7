#include "services/ingest/feed/simple_html.h"

#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>

#include <random>
#include <string>
#include <vector>

#include "services/ingest/feed/html_node.h"
#include "services/ingest/feed/html_text.h"

namespace newsflow::ingest {
namespace {

class NullSink : public html::SimpleHtmlSink {
 public:
  void StartElement(GumboTag, const html::SimpleAttribute*, int, bool) override {}
  void EndElement(GumboTag) override {}
  void Text(std::string_view) override {}
};

bool IsSimple(std::string_view html) {
  NullSink sink;
  return html::ParseSimpleHtml(html, &sink);
}

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

constexpr char kBase[] = "http://example.com/base/page.html";

// SanitizeHtml and HtmlToText (which take the simple route when they can)
// against the tree builder alone.
void ExpectSameAsTreeBuilder(const std::string& html) {
  EXPECT_EQ(SanitizeHtml(html, kBase), Trim(html::SanitizeHtmlWithTreeBuilder(html, kBase)))
      << "html: " << html;
  EXPECT_EQ(HtmlToText(html), html::HtmlToTextWithTreeBuilder(html)) << "html: " << html;
}

// Pieces of feed markup, combined at random below.
// clang-format off
const std::vector<std::string> kTags = {
    "p",      "b",       "i",       "em",     "strong", "a",     "span",   "div",    "br",
    "img",    "hr",      "ul",      "ol",     "li",     "h1",    "h2",     "h6",     "blockquote",
    "pre",    "code",    "font",    "u",      "s",      "sub",   "sup",    "small",  "big",
    "tt",     "strike",  "script",  "style",  "iframe", "figure", "figcaption", "section",
    "article", "nav",    "header",  "footer", "aside",  "dl",    "dt",     "dd",     "q",
    "cite",   "abbr",    "del",     "ins",    "mark",   "address", "center", "main", "details",
    "summary", "dir",    "menu",    "hgroup", "fieldset", "wbr", "area",   "embed",  "input",
    "param",  "source",  "track",   "meta",   "link",   "base",  "acronym", "bdi",   "data",
    "dfn",    "kbd",     "label",   "time",   "var",    "audio", "video",  "canvas", "map",
    "o:p",    "x-y",     "dialog",  "picture", "table", "td",    "form",   "svg",    "nobr",
    "textarea", "title", "noscript", "image", "button"};
// clang-format on
const std::vector<std::string> kAttributes = {"href",    "src",   "title", "alt",   "class", "style",
                                              "onclick", "width", "cite",  "start", "HREF",  "Src"};
// clang-format off
const std::vector<std::string> kValues = {
    "http://x.com/a?b=1&amp;c=2", "/rel/path", "javascript:alert(1)", "  /sp  ", "", "x&amp;y",
    "&lt;t&gt;", "&#65;", "&#x41;", "&hellip;", "mailto:a@b", "#frag", "../up", "caf\xC3\xA9",
    "a b", "it's", "&rsquo;", "java&#9;script:x", "&bogus;", "&amp"};
// clang-format on
// clang-format off
const std::vector<std::string> kTexts = {
    "hello", " ", "\n", "\n\n", "\t", "a  b", "x & y", "AT&T", "&amp;", "&lt;", "&gt;",
    "&quot;", "&apos;", "&nbsp;", "&eacute;", "&Eacute;", "&copy;", "&copy", "&lang;", "&#8217;",
    "&#x201C;", "&#10;", "&#9;", "&#0;", "&#128;", "&#xD800;", "&bogus;", "< b", "a<b", ">",
    "\"", "'", "\xC2\xA0", "caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87", "<!-- c -->", "<!---->",
    "<!-->", "<!-- a -- b -->", "<3", "\xF0\x9F\x98\x80", "&hellip;", "&mdash;", "&#128512;",
    "\r\n", "<!DOCTYPE html>", "</>", "<?pi?>", "\xEF\xBB\xBF"};
// clang-format on

class FragmentGenerator {
 public:
  explicit FragmentGenerator(uint32_t seed) : rng_(seed) {}

  std::string Fragment(int depth = 0) {
    std::string out;
    int parts = Uniform(0, 4);
    for (int i = 0; i < parts; ++i) {
      int r = Uniform(0, 99);
      if (r < 40 || depth > 4) {
        out += Uniform(0, 9) < 6 ? Pick(kTexts) : "some words ";
      } else if (r < 90) {
        std::string tag = Pick(kTags);
        if (Uniform(0, 9) == 0) {
          for (char& c : tag) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out += "<" + tag;
        for (int a = Uniform(0, 2); a > 0; --a) out += Attribute();
        out += Uniform(0, 12) == 0 ? "/>" : ">";
        if (tag == "pre" && Uniform(0, 1) == 0) out += "\n";
        if (tag == "script" || tag == "style" || tag == "iframe") {
          out += Uniform(0, 1) == 0 ? "if (a<b) {}" : "<p>x</p>";
        } else {
          out += Fragment(depth + 1);
        }
        if (Uniform(0, 9) < 8) out += "</" + tag + (Uniform(0, 5) == 0 ? " >" : ">");
      } else {
        out += "</" + Pick(kTags) + ">";
      }
    }
    return out;
  }

 private:
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  const std::string& Pick(const std::vector<std::string>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }

  std::string Attribute() {
    std::string value = Pick(kValues);
    std::string quote = Uniform(0, 2) == 0 ? "'" : "\"";
    if (value.find(quote) != std::string::npos) quote = quote == "'" ? "\"" : "'";
    if (Uniform(0, 9) == 0) return " " + Pick(kAttributes);
    bool unquoted =
        Uniform(0, 3) == 0 && !value.empty() && value.find_first_of(" \"'=<>`") == std::string::npos;
    if (unquoted) quote.clear();
    return (Uniform(0, 4) == 0 ? "\n" : " ") + Pick(kAttributes) + "=" + quote + value + quote;
  }

  std::mt19937 rng_;
};

TEST(SimpleHtmlTest, AgreesWithTheTreeBuilderOnRandomFragments) {
  FragmentGenerator generator(20261130);
  int simple = 0;
  constexpr int kFragments = 20000;
  for (int i = 0; i < kFragments; ++i) {
    std::string html = generator.Fragment();
    if (IsSimple(html)) ++simple;
    ExpectSameAsTreeBuilder(html);
    if (HasFailure()) break;
  }
  // The generator mixes in plenty of markup the simple route refuses; it
  // must still take a good share.
  EXPECT_GT(simple, kFragments / 4);
}

TEST(SimpleHtmlTest, AgreesWithTheTreeBuilderOnEdgeCases) {
  // clang-format off
  const char* kCases[] = {
      "<p>a<p>b",                                   // implied </p>
      "<ul><li>a<li>b</ul>after",                   // implied </li>
      "<dl><dt>t<dd>d<dt>u</dl>",                   // implied </dt>, </dd>
      "<div><p>x</div>y",                           // </div> closes the p
      "<h2>x</h3>y",                                // any heading end tag
      "<li><span>x</li>",                           // pops the span
      "<span><div>x</span>y</div>",                 // </span> ignored at div
      "<x-a><video>v</x-b>after",                   // unknown end tags match any unknown
      "<main><video>v</x-b>after",
      "x</b></i></span></div>y",                    // stray end tags
      "<pre>\nfirst line\n second</pre>",           // the newline after <pre>
      "<pre>&#10;x</pre>",
      "<script>if (a < b) document.write('</p>')</script>after",
      "<style>p { color: red }</STYLE >text",
      "<iframe src=\"https://www.youtube.com/embed/x\" allowfullscreen></iframe>",
      "<a href=x/>link</a>",                        // unquoted value takes the slash
      "<img src=\"a.png\"alt=\"b\"/>",              // no space between attributes
      "<a href=\"1\" HREF=\"2\">dup</a>",           // the first duplicate wins
      "a < b > c & d",
      "<p>&copy &amp</p>",                          // legacy references without ';'
      "<b><i>x</b>y</i>",                           // misnested: adoption agency
      "<p><b>x<div>y</div></b>",                    // formatting closed implicitly
      "<table><tr><td>x</td></tr></table>",
      "<a href=1><a href=2>x</a></a>",
      "text\r\nmore",
      "<main><p>x</main>",
      "<!-- comment --><p>after</p>",
      "<!-->x",
      "<p>\xC2\xA0\xC2\xA0lead</p>",
      "<ol start=3><li>three</li></ol>",
      "   <b>space</b>   ",
      "<link rel=stylesheet href=x.css><p>body</p>",
      "<meta charset=utf-8>text",
  };
  // clang-format on
  for (const char* html : kCases) ExpectSameAsTreeBuilder(html);
}

TEST(SimpleHtmlTest, DecodesHtml4EntitiesLikeTheTreeBuilder) {
  int names = 0;
  for (unsigned cp = 0; cp < 0x10000; ++cp) {
    const htmlEntityDesc* entity = htmlEntityValueLookup(cp);
    if (entity == nullptr || entity->value != cp) continue;
    ++names;
    std::string name = entity->name;
    ExpectSameAsTreeBuilder("x&" + name + ";y");
    ExpectSameAsTreeBuilder("<a title=\"&" + name + ";\" href=\"/&" + name + ";\">t</a>");
  }
  EXPECT_GT(names, 250);
}

TEST(SimpleHtmlTest, TakesTypicalFeedMarkup) {
  EXPECT_TRUE(
      IsSimple("<p>Smartphone makers must keep spare parts &#8220;available&#8221; for seven years, "
               "<a href=\"https://news.example.com/2026/11/rules/\" target=\"_blank\" rel=\"noopener\">"
               "the rules</a> say.</p>\n<figure class=\"wp-block-image\"><img loading=\"lazy\" "
               "width=\"1024\" height=\"683\" src=\"https://news.example.com/a.jpg\" alt=\"A phone\" "
               "srcset=\"https://news.example.com/a.jpg 1024w\" sizes=\"(max-width: 1024px) 100vw\" />"
               "<figcaption>Photo: Jo&nbsp;Doe</figcaption></figure>\n<h2>What changes</h2>"
               "<ul><li><strong>Batteries</strong> &#8212; 800 cycles</li><li><em>Repairs</em></li></ul>"
               "<blockquote><p>It&#8217;s a start.</p><cite>A minister</cite></blockquote>"
               "<p>The post <a href=\"https://news.example.com/p/1/\">Rules</a> appeared first on "
               "<a href=\"https://news.example.com\">Example News</a>.</p>"));
  EXPECT_TRUE(IsSimple("<p>Summary 1 with <a href=\"/rel/1\">a link</a>.</p>"));
  EXPECT_TRUE(IsSimple("Item 1 & more"));
  EXPECT_TRUE(
      IsSimple("<p>Body <b>bold</b> <img src=\"/i.png\" onload=\"x()\"/>"
               "<script>bad()</script></p>"));
}

TEST(SimpleHtmlTest, RefusesWhatNeedsTheTreeBuilder) {
  EXPECT_FALSE(IsSimple("<b><i>x</b>y</i>"));
  EXPECT_FALSE(IsSimple("<table><tr><td>x</td></tr></table>"));
  EXPECT_FALSE(IsSimple("a\r\nb"));
  EXPECT_FALSE(IsSimple(std::string("a\0b", 3)));
  EXPECT_FALSE(IsSimple("caf\xE9"));  // not UTF-8
  EXPECT_FALSE(IsSimple("&bogus;"));
  EXPECT_FALSE(IsSimple("<p>x</p></p>"));  // a stray </p> makes an empty paragraph
  EXPECT_FALSE(IsSimple("<svg><circle/></svg>"));
  EXPECT_FALSE(IsSimple("<p>unterminated <a href=\"x"));
}

}  // namespace
}  // namespace newsflow::ingest
