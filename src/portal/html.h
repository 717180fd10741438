// Html builds the portal's pages as one string in which every piece of text and every attribute
// value is escaped, and every URL attribute is checked, unless the markup is explicitly marked as
// made by this module (SafeHtml: the Markdown renderer's and the graph's output).
//
// Why a builder of our own rather than a template engine such as Mustache (Debian's
// libkainjow-mustache-dev): Mustache escapes only for HTML text, so a value in an href or src
// would still need its scheme checked by hand, and its triple braces turn escaping off with one
// character; templates are also parsed and walked per render through string-keyed maps. Here
// the context decides: Text() escapes, an attribute named href, src, action or formaction takes
// only a URL whose scheme is safe (anything else becomes "#"), and there is no way to write
// unescaped text except SafeHtml, which only this module makes.
//
// Thread safety: an Html is used by one thread; the free functions are reentrant.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agora::portal {

// Markup this module produced from escaped parts; never built from user text directly.
class SafeHtml {
 public:
  SafeHtml() = default;
  const std::string& str() const { return html_; }

 private:
  friend class Html;
  friend SafeHtml TrustedMarkup(std::string html);
  explicit SafeHtml(std::string html) : html_(std::move(html)) {}
  std::string html_;
};

// For renderers inside the portal module (markdown.cpp, graph.cpp) whose output is built only
// from Escape()d text and checked URLs.
SafeHtml TrustedMarkup(std::string html);

// &, <, >, " and ' as entities; NUL and other C0 controls but tab and newline dropped.
std::string Escape(std::string_view text);
void AppendEscaped(std::string& out, std::string_view text);
// Whether a URL may appear in href/src: relative ("/x", "x", "#x", "?x") or http(s) and mailto.
// Schemes are compared after removing what browsers ignore (controls, spaces), case-insensitively.
bool IsSafeUrl(std::string_view url);
// Percent-encodes everything but unreserved characters (for query values and path segments).
std::string UrlEncode(std::string_view text);
// The same, but keeps '/' (for a path of several segments).
std::string UrlEncodePath(std::string_view path);

// An attribute; one with an empty name is left out, for those a page sets only sometimes:
// {invalid ? "aria-invalid" : "", "true"}.
struct Attr {
  std::string_view name;
  std::string_view value;
};

class Html;
// The hidden input that carries the session's CSRF token, in every form that changes something.
void CsrfInput(Html& html, std::string_view token);
// A labelled <select> of (value, text) options, `chosen` selected.
void LabelledSelect(Html& html, const std::string& id, const std::string& name, const std::string& label,
                    const std::vector<std::pair<std::string, std::string>>& options, const std::string& chosen);
// A table's <thead>: one row of column headers.
void TableHead(Html& html, std::initializer_list<std::string_view> columns);
// A fieldset of checkboxes under one name, one per option, with `legend`; the ones in `checked`
// are checked. The form sends the name once per checked box. Each box's id is `id`-index.
void CheckboxGroup(Html& html, const std::string& id, const std::string& name, const std::string& legend,
                   const std::vector<std::string>& options, const std::vector<std::string>& checked,
                   const std::string& described_by = "");

class Html {
 public:
  // Closes its element when it goes out of scope.
  class Scope {
   public:
    Scope(Html& html, std::string_view tag) : html_(&html), tag_(tag) {}
    Scope(Scope&& other) noexcept : html_(std::exchange(other.html_, nullptr)), tag_(other.tag_) {}
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() {
      if (html_) html_->Close(tag_);
    }

   private:
    Html* html_;
    std::string_view tag_;
  };

  Html& Open(std::string_view tag, std::initializer_list<Attr> attrs = {});
  Html& Close(std::string_view tag);
  // Open, and Close at the end of the scope: `auto nav = html.Tag("nav", {{"class", "x"}});`
  [[nodiscard]] Scope Tag(std::string_view tag, std::initializer_list<Attr> attrs = {}) {
    Open(tag, attrs);
    return Scope(*this, tag);
  }
  // <tag attrs>text</tag>
  Html& Element(std::string_view tag, std::initializer_list<Attr> attrs, std::string_view text);
  Html& Element(std::string_view tag, std::string_view text) { return Element(tag, {}, text); }
  // A void element (<input>, <meta>, <link>, <img>).
  Html& Void(std::string_view tag, std::initializer_list<Attr> attrs);
  Html& Text(std::string_view text);
  Html& Number(uint64_t n);
  Html& Raw(const SafeHtml& markup);
  // Doctype and raw structural markup known at compile time (no user data can reach it).
  template <size_t N>
  Html& Literal(const char (&markup)[N]) {
    out_.append(markup, N - 1);
    return *this;
  }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }
  size_t size() const { return out_.size(); }
  void Reserve(size_t n) { out_.reserve(n); }

 private:
  void Attributes(std::initializer_list<Attr> attrs);
  std::string out_;
};

}  // namespace agora::portal
