// The fast feed XML parser against libxml2: whatever it accepts, libxml2
// must find well-formed and must turn into the same tree; what it cannot
// read exactly, it must leave to libxml2.
#include "services/ingest/feed/xml_tree.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "services/ingest/feed/charset.h"
#include "tests/services/ingest/feed/xml_tree_compare.h"

namespace newsflow::ingest::xml {
namespace {

using testing::FastTree;
using testing::LibxmlTree;

void ExpectSameTreeAsLibxml(const std::string& doc) {
  std::optional<std::string> fast = FastTree(doc);
  ASSERT_TRUE(fast.has_value()) << "left to libxml2: " << doc;
  std::optional<std::string> reference = LibxmlTree(doc);
  ASSERT_TRUE(reference.has_value()) << "libxml2 finds it ill-formed: " << doc;
  EXPECT_EQ(*fast, *reference) << doc;
}

TEST(XmlTreeTest, BuildsTheTreeLibxmlBuilds) {
  const std::vector<std::string> docs = {
      "<rss/>",
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title></channel></rss>",
      "\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<a>x</a>\n",
      "<!-- before --><?pi data?>\n<a><b/> <c></c></a><!-- after --><?pi?>\n",
      // Namespaces: default, prefixed, re-declared, undeclared again.
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
      "<entry><dc:creator>A</dc:creator><x xmlns=\"\"><y/></x>"
      "<dc:z xmlns:dc=\"http://example.com/other\">q</dc:z></entry></feed>",
      "<a xmlns:p=\"urn:one\"><p:b p:attr=\"1\" attr=\"2\" xml:lang=\"en\" xml:base=\"/x/\"/></a>",
      // Text: references, CDATA merged with the text around it, line ends.
      "<a>&lt;p&gt;one &amp; two&#33;&#x263A;&#128512;&quot;&apos;</a>",
      "<a>before<![CDATA[<b>bold</b> & ]]>after</a>",
      "<a>line\r\nbreak\rold mac\n</a>",
      "<a><![CDATA[\r\n]]></a>",
      "<a>]] ] >]</a>",
      // Attribute values: references and white space normalised.
      "<a v=\"x&amp;y &lt; &#10;&#9;z\" w='tab\there\r\nnl' q=\"it's\" r='say \"hi\"'/>",
      // Comments inside content split text nodes.
      "<a>one<!-- c\r\n -->two<!---->three</a>",
      "<a>\xE4\xB8\xAD\xE6\x96\x87 caf\xC3\xA9 \xF0\x9F\x98\x80</a>",
      "<a >\n  <b\n   c = \"d\"\n  />\n</a >",
  };
  for (const std::string& doc : docs) ExpectSameTreeAsLibxml(doc);
}

TEST(XmlTreeTest, LeavesEverythingItCannotReadExactlyToLibxml) {
  const std::vector<std::string> docs = {
      "",
      "   ",
      "text",
      "<!DOCTYPE rss [<!ENTITY x \"y\">]><rss>&x;</rss>",
      "<rss>&nbsp;</rss>",
      "<a><b></a></b>",
      "<a>",
      "<a></a><b></b>",
      "<a></a>trailing",
      "<p:a/>",
      "<a p:x=\"1\"/>",
      "<a x=\"1\" x=\"2\"/>",
      "<a xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:x=\"1\" q:x=\"2\"/>",
      "<a xmlns:p=\"\"/>",
      "<a xmlns=\"relative/uri\"/>",
      "<a>]]></a>",
      "<a>\x01</a>",
      "<a>\xEF\xBF\xBE</a>",
      "<a x=\"<\"/>",
      "<a x=1/>",
      "<a x=\"1\"y=\"2\"/>",
      "<a><!-- a -- b --></a>",
      "<a><!-- ends with ---></a>",
      "<a><?pi inside?></a>",
      "<a>&#0;</a>",
      "<a>&#xD800;</a>",
      "<a>&#x110000;</a>",
      "<a>&#;</a>",
      " <?xml version=\"1.0\"?><a/>",
      "<?xml version=\"1.1\"?><a/>",
      "<?xml encoding=\"utf-8\"?><a/>",
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
      "<?xml version=\"1.0\" standalone=\"maybe\"?><a/>",
      "<a><xml:b/></a>",
      "<\xC3\xA9l\xC3\xA9ment/>",
      // libxml2 keeps references in a namespace name undecoded.
      "<a xmlns:x=\"http://e.example/a&amp;b\"/>",
      // An encoding name outside [A-Za-z][A-Za-z0-9._-]*.
      "<?xml version=\"1.0\" encoding=\"utf 8\"?><a/>",
      // An empty CDATA section is an empty text node of its own to libxml2.
      "<a><![CDATA[]]></a>",
  };
  for (const std::string& doc : docs) {
    EXPECT_FALSE(FastTree(doc).has_value()) << doc;
  }
  // Nesting beyond the limit.
  std::string deep;
  for (int i = 0; i < 30; ++i) deep += "<a>";
  for (int i = 0; i < 30; ++i) deep += "</a>";
  EXPECT_TRUE(FastTree(deep, 30).has_value());
  EXPECT_FALSE(FastTree(deep, 29).has_value());
}

TEST(XmlTreeTest, EncodingNamesAreCheckedEvenWhenIgnored) {
  EXPECT_FALSE(Document::ParseWellFormed("<?xml version=\"1.0\" encoding=\"iso 8859-15\"?><a/>", 200, true)
                   .has_value());
  EXPECT_TRUE(Document::ParseWellFormed("<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><a/>", 200, true)
                  .has_value());
}

TEST(XmlTreeTest, AMovedDocumentKeepsItsTree) {
  std::optional<Document> parsed = Document::ParseWellFormed("<a><b/></a>", 200, false);
  ASSERT_TRUE(parsed.has_value());
  Document moved = std::move(*parsed);
  ASSERT_NE(moved.root(), nullptr);
  EXPECT_EQ(moved.root()->name, "a");
  EXPECT_EQ(parsed->root(), nullptr);  // NOLINT(bugprone-use-after-move): documented state
}

TEST(XmlTreeTest, ADeclaredLegacyEncodingIsAcceptedWhenTheCallerConvertedTheBytes) {
  const std::string doc = "<?xml version=\"1.0\" encoding=\"gb2312\"?><a>\xE4\xB8\xAD</a>";
  EXPECT_FALSE(Document::ParseWellFormed(doc, 200, false).has_value());
  std::optional<Document> tree = Document::ParseWellFormed(doc, 200, true);
  ASSERT_TRUE(tree.has_value());
  EXPECT_EQ(tree->root()->first_child->text, "\xE4\xB8\xAD");
}

TEST(XmlTreeTest, TextWithoutReferencesPointsIntoTheInput) {
  const std::string doc = "<a href=\"x\">plain text</a>";
  std::optional<Document> tree = Document::ParseWellFormed(doc, 200, false);
  ASSERT_TRUE(tree.has_value());
  const Node* text = tree->root()->first_child;
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->text.data(), doc.data() + doc.find("plain"));
  ASSERT_NE(tree->root()->FindAttribute("", "href"), nullptr);
  EXPECT_EQ(tree->root()->FindAttribute("", "href")->value, "x");
  EXPECT_EQ(tree->root()->FindAttribute("urn:other", "href"), nullptr);
}

// Random edits of feed-like documents with the characters XML syntax is made
// of: every mutant the fast parser accepts must be one libxml2 accepts, with
// the same tree.
TEST(XmlTreeTest, AgreesWithLibxmlOnMutatedFeeds) {
  const std::vector<std::string> seeds = {
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>News &amp; more</title>"
      "<item><title>A &lt;b&gt;bold&lt;/b&gt; claim</title><link>http://example.com/a?x=1&amp;y=2</link>"
      "<description><![CDATA[<p>Body</p>]]></description><dc:creator>Jo</dc:creator></item>"
      "</channel></rss>\n",
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\"><title type=\"html\">T</title>"
      "<entry><id>tag:x,2026:1</id><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
      "<p class='c'>caf\xC3\xA9<br/>\xE4\xB8\xAD</p></div></content><!-- c --></entry></feed>",
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
      "<item rdf:about=\"http://example.com/1\" xml:base=\"http://example.com/\"><title a='1' b=\"2\">"
      "x&#38;y&#x3C;</title></item></rdf:RDF><?pi x?>",
  };
  const std::string alphabet = "<>&;#\"'=/!?[]-:xa \r\n\t0";
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  int accepted = 0;
  int checked = 0;
  for (int round = 0; round < 6000; ++round) {
    std::string doc = seeds[round % seeds.size()];
    const int edits = 1 + static_cast<int>(next(3));
    for (int e = 0; e < edits; ++e) {
      const size_t at = next(doc.size() + 1);
      const char c = alphabet[next(alphabet.size())];
      switch (next(3)) {
        case 0:
          doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 1:
          if (at < doc.size()) doc.erase(at, 1);
          break;
        default:
          if (at < doc.size()) doc[at] = c;
          break;
      }
    }
    if (!IsValidUtf8(doc)) continue;
    ++checked;
    std::optional<std::string> fast = FastTree(doc);
    if (!fast) continue;
    ++accepted;
    std::optional<std::string> reference = LibxmlTree(doc);
    ASSERT_TRUE(reference.has_value()) << "accepted a document libxml2 rejects: " << doc;
    ASSERT_EQ(*fast, *reference) << doc;
  }
  // The sweep must exercise both sides: many mutants stay well-formed.
  EXPECT_GT(accepted, checked / 10);
  EXPECT_LT(accepted, checked);
}

}  // namespace
}  // namespace newsflow::ingest::xml
