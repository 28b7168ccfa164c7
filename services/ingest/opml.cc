#include "services/ingest/opml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

#include <fmt/format.h>

#include "common/util/text.h"
#include "common/util/utf8.h"

namespace newsflow::ingest {
namespace {

std::string Attribute(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

void Collect(xmlNode* node, std::vector<v1::FeedSpec>* feeds) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>("outline")) == 0) {
      std::string url = Attribute(n, "xmlUrl");
      if (url.empty()) url = Attribute(n, "xmlurl");
      if (!url.empty()) {
        v1::FeedSpec feed;
        feed.set_url(ToValidUtf8(url));
        std::string title = Attribute(n, "title");
        feed.set_title(ToValidUtf8(title.empty() ? Attribute(n, "text") : title));
        feed.set_enabled(true);
        feeds->push_back(std::move(feed));
      }
    }
    Collect(n->children, feeds);
  }
}

// Text for an attribute value or element of an XML 1.0 document: markup
// characters as entities, tab and line breaks as character references (so
// attribute values keep them), and what XML 1.0 cannot hold at all (other
// C0 controls, U+FFFE, U+FFFF, invalid UTF-8) as U+FFFD, so the document is
// always well-formed.
std::string Escape(std::string_view raw) {
  const std::string s = ToValidUtf8(raw);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xEF\xBF\xBD";
        } else if (c == '\xEF' && i + 2 < s.size() && s[i + 1] == '\xBF' &&
                   (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) {
          out += "\xEF\xBF\xBD";  // U+FFFE, U+FFFF
          i += 2;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<v1::FeedSpec>> ParseOpml(std::string_view bytes) {
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "feeds.opml", nullptr,
                    XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr || xmlStrcasecmp(root->name, reinterpret_cast<const xmlChar*>("opml")) != 0) {
    return absl::InvalidArgumentError("not an OPML document (no <opml> root element)");
  }
  std::vector<v1::FeedSpec> feeds;
  Collect(root->children, &feeds);
  return feeds;
}

std::string WriteOpml(const std::vector<v1::FeedSpec>& feeds, std::string_view title) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n";
  out += fmt::format("  <head><title>{}</title></head>\n  <body>\n", Escape(title));
  for (const auto& f : feeds) {
    std::string name = f.title().empty() ? f.url() : f.title();
    out += fmt::format("    <outline type=\"rss\" text=\"{}\" title=\"{}\" xmlUrl=\"{}\"/>\n", Escape(name),
                       Escape(name), Escape(f.url()));
  }
  out += "  </body>\n</opml>\n";
  return out;
}

}  // namespace newsflow::ingest
