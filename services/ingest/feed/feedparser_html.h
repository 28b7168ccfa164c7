// HTML helpers behind feedparser_format: a lenient SGML-style tokenizer, the
// HTML re-serialiser, the sanitiser and relative-URI resolver with feedparser's
// rules, HTML 4 entity names and Python-compatible URL joining. Internal to the
// feed library; see feedparser_format.h for the public API.
#ifndef NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_HTML_H_
#define NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_HTML_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "re2/re2.h"

namespace newsflow::ingest::fp {

using Attrs = std::vector<std::pair<std::string, std::string>>;

// Lenient tokenizer in the manner of Python's sgmllib with feedparser's
// patterns: start tags (names and attribute names lower-cased, attribute
// values unquoted but otherwise verbatim), end tags, text, character and
// entity references, comments, processing instructions and declarations.
// Never fails: whatever it cannot tokenize is reported as text.
class SgmlParser {
 public:
  virtual ~SgmlParser() = default;
  // Pre-processes (short tags, stray "<!", &#39; / &#34;) and tokenizes.
  void Feed(std::string_view data);

 protected:
  virtual void StartTag(const std::string& tag, Attrs& attrs) = 0;
  virtual void EndTag(const std::string& tag) = 0;
  virtual void Data(std::string_view text) = 0;
  virtual void CharRef(const std::string& ref) = 0;
  virtual void EntityRef(const std::string& name) = 0;
  virtual void Comment(std::string_view) {}
  virtual void Pi(std::string_view) {}
  virtual void Decl(std::string_view) {}
  // Handles "<!" at i (not a comment); returns the index after it, or -1 if
  // incomplete.
  virtual long ParseDeclaration(size_t i);
  // Returns the end of the comment at i, or -1 if unterminated.
  virtual long ParseComment(size_t i, bool report);

  bool xhtml_type_ = true;  // "<x/>" closes x
  std::string raw_;

 private:
  void GoAhead();
  long ParseStartTag(size_t i);
  long ParseEndTag(size_t i);
  long ParsePi(size_t i);
  std::string lasttag_ = "???";
};

// Re-serialises what SgmlParser reports, as feedparser's HTML processor does.
class HtmlProcessor : public SgmlParser {
 public:
  explicit HtmlProcessor(std::string type) {
    type_ = std::move(type);
    xhtml_type_ = type_ == "application/xhtml+xml";
  }
  std::string Output() const;

 protected:
  void StartTag(const std::string& tag, Attrs& attrs) override;
  void EndTag(const std::string& tag) override;
  void Data(std::string_view text) override { pieces_.emplace_back(text); }
  void CharRef(const std::string& ref) override;
  void EntityRef(const std::string& name) override;
  void Comment(std::string_view text) override;
  void Pi(std::string_view text) override;
  void Decl(std::string_view text) override;

  std::string type_;
  std::vector<std::string> pieces_;
};

// Lower-cases attribute names (last value wins), lower-cases rel/type values
// and sorts by name then value.
Attrs NormalizeAttrs(const Attrs& attrs);

std::string SanitizeHtmlFp(std::string_view html, std::string_view type);
std::string ResolveRelativeUris(std::string_view html, std::string_view base, std::string_view type);

// Python's urllib.parse.urljoin after feedparser's "scheme:///" fix-up.
std::string UrlJoin(std::string_view base, std::string_view uri);
// feedparser's make_safe_absolute_uri: joins and drops disallowed schemes.
std::string MakeSafeAbsoluteUri(std::string_view base, std::string_view rel = "");

// HTML 4 entity name -> code point, or -1.
int Html4Entity(std::string_view name);
bool IsVoidElement(std::string_view tag);
bool IsAcceptableElement(std::string_view tag);
// Options for the module's patterns: they read bytes (Latin-1 mode), as the
// Python patterns they follow read code points, so that any input matches
// the same way whether or not it is valid UTF-8. The patterns spell out
// "\s" as the ASCII spaces including \v.
const RE2::Options& BytePatterns();
// feedparser's table of well-known namespaces: lower-cased URI -> the prefix
// its element names are reported with ("" for RSS and Atom themselves).
const std::unordered_map<std::string, std::string>& MatchNamespaces();
// feedparser's guess that RSS "plain text" is HTML after all: `s` has a
// closing tag or a character reference, every tag in it is an allowed HTML
// element and every named reference an HTML 4 entity.
bool LooksLikeHtml(const std::string& s);
// Text that was UTF-8 read as Latin-1 (every code point below 256, and
// their bytes valid UTF-8) is decoded again.
void FixDoubleEncoding(std::string* s);
// C1 controls U+0080-U+009F become the windows-1252 characters of those
// bytes (curly quotes, dashes), as feedparser's "demoronizing" does.
void TranslateCp1252(std::string* s);
// Python str.strip(): ASCII and Unicode whitespace.
std::string_view PyStrip(std::string_view s);

}  // namespace newsflow::ingest::fp

#endif  // NEWSFLOW_SERVICES_INGEST_FEED_FEEDPARSER_HTML_H_
