#include "portal/markdown.h"

#include <md4c.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <vector>

namespace agora::portal {
namespace {

bool ValidEntity(std::string_view entity) {
  if (entity.size() < 3 || entity.front() != '&' || entity.back() != ';') return false;
  const std::string_view body = entity.substr(1, entity.size() - 2);
  size_t start = 0;
  bool hex = false;
  if (body[0] == '#') {
    start = 1;
    if (body.size() > 1 && (body[1] == 'x' || body[1] == 'X')) hex = true, start = 2;
    if (start >= body.size()) return false;
  }
  for (size_t i = start; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (start == 0 ? !std::isalnum(c) : hex ? !std::isxdigit(c) : !std::isdigit(c)) return false;
  }
  return true;
}

void AppendUtf8(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// An entity as the text it stands for: numeric ones and the few named ones URLs and titles use;
// any other is kept as written (and so escaped, never interpreted).
std::string DecodeEntity(std::string_view entity) {
  if (entity.size() > 3 && entity[1] == '#') {
    const bool hex = entity[2] == 'x' || entity[2] == 'X';
    const std::string digits(entity.substr(hex ? 3 : 2, entity.size() - (hex ? 4 : 3)));
    std::string out;
    AppendUtf8(out, std::strtoul(digits.c_str(), nullptr, hex ? 16 : 10));
    return out;
  }
  static const std::pair<const char*, const char*> kNamed[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&nbsp;", "\xC2\xA0"}};
  for (const auto& [name, text] : kNamed)
    if (entity == name) return text;
  return std::string(entity);
}

std::string AttributeText(const MD_ATTRIBUTE& attribute) {
  std::string out;
  for (int i = 0; attribute.substr_offsets[i] < attribute.size; ++i) {
    const std::string_view part(attribute.text + attribute.substr_offsets[i],
                                attribute.substr_offsets[i + 1] - attribute.substr_offsets[i]);
    switch (attribute.substr_types[i]) {
      case MD_TEXT_ENTITY: out += DecodeEntity(part); break;
      case MD_TEXT_NULLCHAR: out += "\xEF\xBF\xBD"; break;
      default: out += part;
    }
  }
  return out;
}

class Renderer {
 public:
  explicit Renderer(const MarkdownOptions& options) : options_(options) {}

  std::string Render(std::string_view markdown) {
    MD_PARSER parser{};
    parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
    parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      return static_cast<Renderer*>(self)->EnterBlock(type, detail);
    };
    parser.leave_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      return static_cast<Renderer*>(self)->LeaveBlock(type, detail);
    };
    parser.enter_span = [](MD_SPANTYPE type, void* detail, void* self) {
      return static_cast<Renderer*>(self)->EnterSpan(type, detail);
    };
    parser.leave_span = [](MD_SPANTYPE type, void* detail, void* self) {
      return static_cast<Renderer*>(self)->LeaveSpan(type, detail);
    };
    parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
      return static_cast<Renderer*>(self)->Text(type, std::string_view(text, size));
    };
    out_.reserve(markdown.size() * 5 / 4 + 64);
    if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, this) != 0) {
      // md4c fails only on memory exhaustion; show the source as text rather than nothing.
      out_ = "<pre>" + Escape(markdown) + "</pre>";
    }
    return std::move(out_);
  }

 private:
  static const char* AlignClass(MD_ALIGN align) {
    switch (align) {
      case MD_ALIGN_LEFT: return " class=\"align-left\"";
      case MD_ALIGN_CENTER: return " class=\"align-center\"";
      case MD_ALIGN_RIGHT: return " class=\"align-right\"";
      default: return "";
    }
  }

  int EnterBlock(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_DOC: break;
      case MD_BLOCK_QUOTE: out_ += "<blockquote>"; break;
      case MD_BLOCK_UL: out_ += "<ul>"; break;
      case MD_BLOCK_OL: {
        const unsigned start = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
        out_ += start == 1 ? "<ol>" : "<ol start=\"" + std::to_string(start) + "\">";
        break;
      }
      case MD_BLOCK_LI: {
        const auto* li = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
        if (!li->is_task) {
          out_ += "<li>";
        } else {
          const bool done = li->task_mark == 'x' || li->task_mark == 'X';
          out_ += done ? "<li class=\"task\"><input type=\"checkbox\" disabled checked aria-label=\"done\"> "
                       : "<li class=\"task\"><input type=\"checkbox\" disabled aria-label=\"to do\"> ";
        }
        break;
      }
      case MD_BLOCK_HR: out_ += "<hr>"; break;
      case MD_BLOCK_H:
        heading_start_ = out_.size();
        heading_text_.clear();
        in_heading_ = true;
        out_ += "<h" + std::to_string(HeadingLevel(detail)) + ">";
        break;
      case MD_BLOCK_CODE: {
        const auto* code = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
        const std::string lang = code->lang.size ? AttributeText(code->lang) : "";
        out_ += "<pre><code";
        if (!lang.empty()) out_ += " class=\"language-" + Escape(lang) + "\"";
        out_ += ">";
        break;
      }
      case MD_BLOCK_HTML: break;  // not produced: raw HTML is text under MD_FLAG_NOHTML
      case MD_BLOCK_P: out_ += "<p>"; break;
      case MD_BLOCK_TABLE: out_ += "<div class=\"table-scroll\"><table>"; break;
      case MD_BLOCK_THEAD: out_ += "<thead>"; break;
      case MD_BLOCK_TBODY: out_ += "<tbody>"; break;
      case MD_BLOCK_TR: out_ += "<tr>"; break;
      case MD_BLOCK_TH:
        out_ += std::string("<th scope=\"col\"") + AlignClass(static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align) + ">";
        break;
      case MD_BLOCK_TD:
        out_ += std::string("<td") + AlignClass(static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align) + ">";
        break;
    }
    return 0;
  }

  // Page headings start at level 2: the page's title is its h1.
  static unsigned HeadingLevel(void* detail) {
    return std::min(6u, static_cast<MD_BLOCK_H_DETAIL*>(detail)->level + 1);
  }

  int LeaveBlock(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_DOC: break;
      case MD_BLOCK_QUOTE: out_ += "</blockquote>"; break;
      case MD_BLOCK_UL: out_ += "</ul>"; break;
      case MD_BLOCK_OL: out_ += "</ol>"; break;
      case MD_BLOCK_LI: out_ += "</li>"; break;
      case MD_BLOCK_HR: break;
      case MD_BLOCK_H: {
        in_heading_ = false;
        std::string slug = HeadingSlug(heading_text_);
        if (!slug.empty()) {
          const int uses = ++slugs_[slug];
          if (uses > 1) slug += "-" + std::to_string(uses);
          out_.insert(heading_start_ + 3, " id=\"h-" + slug + "\"");
        }
        out_ += "</h" + std::to_string(HeadingLevel(detail)) + ">";
        break;
      }
      case MD_BLOCK_CODE: out_ += "</code></pre>"; break;
      case MD_BLOCK_HTML: break;
      case MD_BLOCK_P: out_ += "</p>"; break;
      case MD_BLOCK_TABLE: out_ += "</table></div>"; break;
      case MD_BLOCK_THEAD: out_ += "</thead>"; break;
      case MD_BLOCK_TBODY: out_ += "</tbody>"; break;
      case MD_BLOCK_TR: out_ += "</tr>"; break;
      case MD_BLOCK_TH: out_ += "</th>"; break;
      case MD_BLOCK_TD: out_ += "</td>"; break;
    }
    return 0;
  }

  int EnterSpan(MD_SPANTYPE type, void* detail) {
    if (image_depth_ > 0) {  // inside an image's alternative text only the text counts
      if (type == MD_SPAN_IMG) ++image_depth_;
      return 0;
    }
    switch (type) {
      case MD_SPAN_EM: out_ += "<em>"; break;
      case MD_SPAN_STRONG: out_ += "<strong>"; break;
      case MD_SPAN_CODE: out_ += "<code>"; break;
      case MD_SPAN_DEL: out_ += "<del>"; break;
      case MD_SPAN_U: out_ += "<u>"; break;
      case MD_SPAN_A: {
        const auto* a = static_cast<MD_SPAN_A_DETAIL*>(detail);
        std::string href = AttributeText(a->href);
        if (href.rfind("www.", 0) == 0) href = "http://" + href;  // a permissive www autolink
        const bool safe = IsSafeUrl(href);
        links_.push_back(safe);
        if (!safe) break;  // the link's text stays, without the link
        out_ += "<a href=\"" + Escape(href) + "\"";
        if (a->title.size) out_ += " title=\"" + Escape(AttributeText(a->title)) + "\"";
        if (href.rfind("http", 0) == 0) out_ += " rel=\"noopener noreferrer nofollow\"";
        out_ += ">";
        break;
      }
      case MD_SPAN_IMG: {
        const auto* img = static_cast<MD_SPAN_IMG_DETAIL*>(detail);
        image_src_ = ResourceUrl(AttributeText(img->src));
        image_alt_.clear();
        image_depth_ = 1;
        break;
      }
      default: break;  // math and wiki links are not enabled
    }
    return 0;
  }

  int LeaveSpan(MD_SPANTYPE type, void*) {
    if (image_depth_ > 0) {
      if (type == MD_SPAN_IMG && --image_depth_ == 0) {
        if (!image_src_.empty())
          out_ += "<img src=\"" + Escape(image_src_) + "\" alt=\"" + Escape(image_alt_) + "\" loading=\"lazy\">";
        else
          out_ += "<span class=\"image-omitted\">" + Escape(image_alt_) + "</span>";
      }
      return 0;
    }
    switch (type) {
      case MD_SPAN_EM: out_ += "</em>"; break;
      case MD_SPAN_STRONG: out_ += "</strong>"; break;
      case MD_SPAN_CODE: out_ += "</code>"; break;
      case MD_SPAN_DEL: out_ += "</del>"; break;
      case MD_SPAN_U: out_ += "</u>"; break;
      case MD_SPAN_A:
        if (!links_.empty()) {
          if (links_.back()) out_ += "</a>";
          links_.pop_back();
        }
        break;
      default: break;
    }
    return 0;
  }

  int Text(MD_TEXTTYPE type, std::string_view text) {
    std::string decoded;
    switch (type) {
      case MD_TEXT_NULLCHAR: decoded = "\xEF\xBF\xBD"; break;
      case MD_TEXT_BR: decoded = image_depth_ ? " " : ""; if (!image_depth_) out_ += "<br>"; break;
      case MD_TEXT_SOFTBR: decoded = image_depth_ ? " " : "\n"; break;
      case MD_TEXT_ENTITY: decoded = ValidEntity(text) ? DecodeEntity(text) : std::string(text); break;
      default: decoded = text;  // normal, code, and (never produced here) HTML: all escaped
    }
    if (in_heading_) heading_text_ += decoded;
    if (image_depth_) {
      image_alt_ += decoded;
    } else if (type == MD_TEXT_ENTITY && ValidEntity(text)) {
      out_ += text;  // a character reference is text to the browser, never markup
    } else {
      AppendEscaped(out_, decoded);
    }
    return 0;
  }

  // "resources/x.png" (or "./resources/x.png") when the portal has that resource; else empty.
  std::string ResourceUrl(std::string src) const {
    if (src.rfind("./", 0) == 0) src.erase(0, 2);
    if (src.rfind("resources/", 0) != 0 || !options_.resources.count(src)) return "";
    return options_.resource_base + UrlEncodePath(src);
  }

  const MarkdownOptions& options_;
  std::string out_;
  std::vector<bool> links_;  // whether each open link was written as <a>
  int image_depth_ = 0;
  std::string image_src_, image_alt_;
  bool in_heading_ = false;
  size_t heading_start_ = 0;
  std::string heading_text_;
  std::map<std::string, int> slugs_;
};

}  // namespace

std::string HeadingSlug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= 64) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

SafeHtml RenderMarkdown(std::string_view markdown, const MarkdownOptions& options) {
  return TrustedMarkup(Renderer(options).Render(markdown));
}

}  // namespace agora::portal
