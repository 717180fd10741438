#include "portal/html.h"

#include <algorithm>
#include <cctype>

namespace agora::portal {

SafeHtml TrustedMarkup(std::string html) { return SafeHtml(std::move(html)); }

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') break;  // controls carry no text
        out += c;
    }
  }
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendEscaped(out, text);
  return out;
}

bool IsSafeUrl(std::string_view url) {
  // Browsers strip leading spaces and controls and ignore tabs and newlines anywhere in a URL, so
  // "java\tscript:" is javascript:. Look at the scheme as they do.
  std::string scheme;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20) continue;
    if (c == ':') {
      static const char* const kAllowed[] = {"http", "https", "mailto"};
      for (const char* allowed : kAllowed)
        if (scheme == allowed) return true;
      return false;
    }
    if (c == '/' || c == '?' || c == '#') return true;  // no scheme: relative
    scheme += static_cast<char>(std::tolower(u));
  }
  return true;  // a bare relative reference
}

namespace {

bool Unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string Encode(std::string_view text, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

bool IsUrlAttribute(std::string_view name) {
  return name == "href" || name == "src" || name == "action" || name == "formaction" || name == "xlink:href";
}

}  // namespace

std::string UrlEncode(std::string_view text) { return Encode(text, false); }
std::string UrlEncodePath(std::string_view path) { return Encode(path, true); }

void Html::Attributes(std::initializer_list<Attr> attrs) {
  for (const auto& [name, value] : attrs) {
    if (name.empty()) continue;
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    AppendEscaped(out_, IsUrlAttribute(name) && !IsSafeUrl(value) ? std::string_view("#") : value);
    out_ += '"';
  }
}

Html& Html::Open(std::string_view tag, std::initializer_list<Attr> attrs) {
  out_ += '<';
  out_ += tag;
  Attributes(attrs);
  out_ += '>';
  return *this;
}

Html& Html::Close(std::string_view tag) {
  out_ += "</";
  out_ += tag;
  out_ += '>';
  return *this;
}

Html& Html::Element(std::string_view tag, std::initializer_list<Attr> attrs, std::string_view text) {
  Open(tag, attrs);
  AppendEscaped(out_, text);
  return Close(tag);
}

Html& Html::Void(std::string_view tag, std::initializer_list<Attr> attrs) {
  out_ += '<';
  out_ += tag;
  Attributes(attrs);
  out_ += '>';
  return *this;
}

void CsrfInput(Html& html, std::string_view token) {
  html.Void("input", {{"type", "hidden"}, {"name", "csrf"}, {"value", token}});
}

void LabelledSelect(Html& html, const std::string& id, const std::string& name, const std::string& label,
                    const std::vector<std::pair<std::string, std::string>>& options, const std::string& chosen) {
  html.Element("label", {{"for", id}}, label);
  auto select = html.Tag("select", {{"id", id}, {"name", name}});
  for (const auto& [value, text] : options)
    html.Element("option", {{"value", value}, {value == chosen ? "selected" : "", "selected"}}, text);
}

void TableHead(Html& html, std::initializer_list<std::string_view> columns) {
  auto head = html.Tag("thead");
  auto row = html.Tag("tr");
  for (std::string_view column : columns) html.Element("th", {{"scope", "col"}}, column);
}

void CheckboxGroup(Html& html, const std::string& id, const std::string& name, const std::string& legend,
                   const std::vector<std::string>& options, const std::vector<std::string>& checked,
                   const std::string& described_by) {
  auto group = html.Tag("fieldset", {{"class", "choices"}, {"id", id},
                                     {described_by.empty() ? "" : "aria-describedby", described_by}});
  html.Element("legend", legend);
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string& option = options[i];
    const std::string box_id = id + "-" + std::to_string(i);
    const bool on = std::find(checked.begin(), checked.end(), option) != checked.end();
    auto label = html.Tag("label", {{"for", box_id}});
    html.Void("input", {{"type", "checkbox"}, {"id", box_id}, {"name", name}, {"value", option}, {on ? "checked" : "", "checked"}});
    html.Text(" " + option);
  }
}

Html& Html::Text(std::string_view text) {
  AppendEscaped(out_, text);
  return *this;
}

Html& Html::Number(uint64_t n) {
  out_ += std::to_string(n);
  return *this;
}

Html& Html::Raw(const SafeHtml& markup) {
  out_ += markup.str();
  return *this;
}

}  // namespace agora::portal
