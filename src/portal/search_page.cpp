#include "portal/search_page.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include "portal/links.h"
#include "portal/page.h"

namespace agora::portal {
namespace {

constexpr size_t kMaxQueryLength = 256;
constexpr size_t kMaxValuesPerFacet = 20;
constexpr size_t kMaxValueLength = 256;
constexpr size_t kMaxPage = 500;
constexpr size_t kFacetValuesShown = 12;

void AddBounded(std::vector<std::string>& values, const std::string& value) {
  if (value.empty() || value.size() > kMaxValueLength || values.size() >= kMaxValuesPerFacet) return;
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

bool WordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Whether `word` (lower-case) is a case-insensitive prefix of `token`.
bool PrefixOf(std::string_view word, std::string_view token) {
  if (word.size() > token.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (Lower(token[i]) != word[i]) return false;
  return true;
}

// The length of the longest search word that `token` starts with, or 0.
size_t MatchLength(std::string_view token, const std::vector<std::string>& words) {
  size_t best = 0;
  for (const auto& word : words)
    if (PrefixOf(word, token)) best = std::max(best, word.size());
  return best;
}

size_t Utf8Boundary(std::string_view text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return std::min(at, text.size());
}

const char* const kStatuses[] = {"published", "development", "deprecated"};

}  // namespace

SearchState SearchState::FromRequest(const server::Request& request) {
  SearchState state;
  for (const auto& [name, value] : request.query()) {
    if (name == "q") {
      state.q = value.substr(0, Utf8Boundary(value, std::min(value.size(), kMaxQueryLength)));
    } else if (name == "type") {
      AddBounded(state.types, value);
    } else if (name == "org") {
      AddBounded(state.organizations, value);
    } else if (name == "status") {
      if (std::find(std::begin(kStatuses), std::end(kStatuses), value) != std::end(kStatuses))
        AddBounded(state.statuses, value);
    } else if (name == "tag") {
      AddBounded(state.tags, value);
    } else if (name == "category" || name == "field") {
      const auto colon = value.find(':');
      if (colon == std::string::npos || colon == 0 || value.size() > kMaxValueLength ||
          state.tag_values.size() >= kMaxValuesPerFacet)
        continue;
      storage::TagValueFilter filter{name, value.substr(0, colon), value.substr(colon + 1)};
      if (!filter.value.empty() &&
          std::find(state.tag_values.begin(), state.tag_values.end(), filter) == state.tag_values.end())
        state.tag_values.push_back(std::move(filter));
    } else if (name == "sort") {
      if (value == "relevance" || value == "name" || value == "updated") state.sort = value;
    } else if (name == "page") {
      size_t page = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), page);
      if (ec == std::errc() && end == value.data() + value.size() && page >= 1) state.page = std::min(page, kMaxPage);
    }
  }
  return state;
}

std::string SearchState::EffectiveSort() const {
  if (!sort.empty() && !(sort == "relevance" && QueryWords(q).empty())) return sort;
  return QueryWords(q).empty() ? "updated" : "relevance";
}

std::vector<std::pair<std::string, std::string>> SearchState::Params() const {
  std::vector<std::pair<std::string, std::string>> params;
  if (!q.empty()) params.emplace_back("q", q);
  for (const auto& v : types) params.emplace_back("type", v);
  for (const auto& v : organizations) params.emplace_back("org", v);
  for (const auto& v : statuses) params.emplace_back("status", v);
  for (const auto& v : tags) params.emplace_back("tag", v);
  for (const auto& f : tag_values) params.emplace_back(f.kind, f.key + ":" + f.value);
  if (!sort.empty()) params.emplace_back("sort", sort);
  return params;
}

std::string SearchState::Url() const {
  std::string url = "/exchange/";
  auto params = Params();
  if (page > 1) params.emplace_back("page", std::to_string(page));
  char separator = '?';
  for (const auto& [name, value] : params) {
    url += separator + name + "=" + UrlEncode(value);
    separator = '&';
  }
  return url;
}

bool SearchState::Selected(const std::string& param, const std::string& value) const {
  auto has = [&](const std::vector<std::string>& list) { return std::find(list.begin(), list.end(), value) != list.end(); };
  if (param == "type") return has(types);
  if (param == "org") return has(organizations);
  if (param == "status") return has(statuses);
  if (param == "tag") return has(tags);
  const auto colon = value.find(':');
  if (colon == std::string::npos) return false;
  const storage::TagValueFilter filter{param, value.substr(0, colon), value.substr(colon + 1)};
  return std::find(tag_values.begin(), tag_values.end(), filter) != tag_values.end();
}

SearchState SearchState::Toggled(const std::string& param, const std::string& value) const {
  SearchState next = *this;
  next.page = 1;
  auto toggle = [&](std::vector<std::string>& list) {
    const auto it = std::find(list.begin(), list.end(), value);
    if (it != list.end()) list.erase(it);
    else list.push_back(value);
  };
  if (param == "type") toggle(next.types);
  else if (param == "org") toggle(next.organizations);
  else if (param == "status") toggle(next.statuses);
  else if (param == "tag") toggle(next.tags);
  else if (const auto colon = value.find(':'); colon != std::string::npos) {
    const storage::TagValueFilter filter{param, value.substr(0, colon), value.substr(colon + 1)};
    const auto it = std::find(next.tag_values.begin(), next.tag_values.end(), filter);
    if (it != next.tag_values.end()) next.tag_values.erase(it);
    else next.tag_values.push_back(filter);
  }
  return next;
}

bool SearchState::Filtered() const {
  return !types.empty() || !organizations.empty() || !statuses.empty() || !tags.empty() || !tag_values.empty();
}

storage::AssetQuery SearchState::Query(const std::vector<std::string>& readable) const {
  storage::AssetQuery query;
  // Only organisations the principal may read are ever searched; a selected one that is not
  // among them selects nothing.
  if (organizations.empty()) {
    query.organization_ids = readable;
  } else {
    for (const auto& id : organizations)
      if (std::find(readable.begin(), readable.end(), id) != readable.end()) query.organization_ids.push_back(id);
    if (query.organization_ids.empty()) query.organization_ids = {""};
  }
  query.types = types;
  query.statuses = statuses;
  query.tags = tags;
  query.tag_values = tag_values;
  query.search = q;
  const std::string effective = EffectiveSort();
  query.sort = effective == "name" ? "name" : effective == "updated" ? "updatedDate" : "";
  query.ascending = effective == "name";
  query.offset = (page - 1) * kResultsPerPage;
  query.limit = kResultsPerPage;
  return query;
}

std::string Directory::OrganizationName(const std::string& id) const {
  const auto it = organization_names.find(id);
  return it == organization_names.end() ? id : it->second;
}

std::vector<std::string> QueryWords(std::string_view q) {
  std::vector<std::string> words;
  std::string word;
  for (char c : q) {
    if (WordByte(static_cast<unsigned char>(c))) {
      word += Lower(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

void Highlight(Html& html, std::string_view text, const std::vector<std::string>& words) {
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    const bool word = WordByte(static_cast<unsigned char>(text[i]));
    while (j < text.size() && WordByte(static_cast<unsigned char>(text[j])) == word) ++j;
    const std::string_view token = text.substr(i, j - i);
    const size_t matched = word ? MatchLength(token, words) : 0;
    if (matched > 0) {
      html.Element("mark", token.substr(0, matched)).Text(token.substr(matched));
    } else {
      html.Text(token);
    }
    i = j;
  }
}

std::string Excerpt(std::string_view text, const std::vector<std::string>& words, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t first = std::string_view::npos;
  for (size_t i = 0; i < text.size() && first == std::string_view::npos; ++i) {
    if (!WordByte(static_cast<unsigned char>(text[i])) || (i > 0 && WordByte(static_cast<unsigned char>(text[i - 1]))))
      continue;
    size_t j = i;
    while (j < text.size() && WordByte(static_cast<unsigned char>(text[j]))) ++j;
    if (MatchLength(text.substr(i, j - i), words) > 0) first = i;
  }
  size_t start = first == std::string_view::npos || first < limit / 2 ? 0 : Utf8Boundary(text, first - limit / 4);
  const size_t end = Utf8Boundary(text, std::min(text.size(), start + limit));
  std::string excerpt = (start > 0 ? "… " : "") + std::string(text.substr(start, end - start));
  if (end < text.size()) excerpt += " …";
  return excerpt;
}

namespace {

void FacetLink(Html& html, const SearchState& state, const std::string& param, const std::string& value,
               const std::string& label, uint64_t count) {
  const bool selected = state.Selected(param, value);
  auto item = html.Tag("li");
  const std::string url = state.Toggled(param, value).Url();
  if (selected) {
    html.Open("a", {{"href", url}, {"data-nav", ""}, {"class", "selected"}, {"aria-current", "true"}});
  } else {
    html.Open("a", {{"href", url}, {"data-nav", ""}});
  }
  html.Open("span");
  if (selected) html.Element("span", {{"class", "visually-hidden"}}, "Remove filter: ");
  html.Text(label).Close("span");
  html.Element("span", {{"class", "count"}}, std::to_string(count));
  html.Close("a");
}

// A facet's values: the most frequent, and every selected one (with 0 when nothing has it any
// more, so that its selection can still be undone). `prefix` turns a value into the parameter's
// ("key:" for categories and fields).
void Facet(Html& html, const SearchState& state, const std::string& title, const std::string& param,
           std::vector<search::FacetCount> counts, const std::vector<std::string>& selected,
           const std::function<std::string(const std::string&)>& label, const std::string& prefix = "") {
  for (const auto& value : selected)
    if (std::none_of(counts.begin(), counts.end(), [&](const auto& c) { return c.value == value; }))
      counts.push_back({value, 0});
  if (counts.empty()) return;
  html.Element("h2", title);
  auto list = html.Tag("ul", {{"aria-label", title}});
  size_t shown = 0;
  for (const auto& count : counts) {
    const std::string value = prefix + count.value;
    if (shown >= kFacetValuesShown && !state.Selected(param, value)) continue;
    FacetLink(html, state, param, value, label(count.value), count.count);
    ++shown;
  }
}

void ResultItem(Html& html, const assets::AssetVersion& v, const Directory& directory,
                const std::vector<std::string>& words) {
  auto item = html.Tag("li", {{"class", "result"}});
  {
    auto heading = html.Tag("h2");
    auto link = html.Tag("a", {{"class", "result-link"}, {"href", AssetUrl(v.coordinates.group_id, v.coordinates.asset_id)}});
    Highlight(html, v.name, words);
  }
  {
    auto meta = html.Tag("div", {{"class", "meta"}});
    html.Element("span", TypeLabel(v.type));
    html.Element("span", "Version " + v.coordinates.version);
    const char* status = assets::LifecycleName(v.status);
    html.Element("span", {{"class", std::string("badge ") + status}}, StatusLabel(v.status));
    html.Element("span", directory.OrganizationName(v.organization_id));
    html.Element("span", "Updated " + FormatDate(v.updated_millis));
  }
  if (!v.description.empty()) {
    auto p = html.Tag("p");
    Highlight(html, Excerpt(v.description, words, 280), words);
  }
  if (!v.tags.empty()) {
    auto chips = html.Tag("ul", {{"class", "chips"}, {"aria-label", "Tags"}});
    for (const auto& tag : v.tags) {
      auto chip = html.Tag("li", {{"class", "chip"}});
      Highlight(html, tag, words);
    }
  }
}

void Pagination(Html& html, const SearchState& state, uint64_t total) {
  const size_t pages = std::min<uint64_t>(kMaxPage, (total + kResultsPerPage - 1) / kResultsPerPage);
  if (pages <= 1) return;
  auto nav = html.Tag("nav", {{"aria-label", "Result pages"}});
  auto list = html.Tag("ul", {{"class", "pagination"}});
  auto link = [&](size_t page, const std::string& label, const char* aria_label) {
    SearchState target = state;
    target.page = page;
    auto item = html.Tag("li");
    html.Element("a", {{"href", target.Url()}, {"data-nav", ""}, {"aria-label", aria_label}}, label);
  };
  if (state.page > 1) link(state.page - 1, "Previous", "Previous page");
  const size_t first = state.page > 3 ? state.page - 3 : 1, last = std::min(pages, state.page + 3);
  for (size_t page = first; page <= last; ++page) {
    if (page == state.page) {
      auto item = html.Tag("li");
      html.Element("span", {{"aria-current", "page"}}, std::to_string(page));
    } else {
      SearchState target = state;
      target.page = page;
      auto item = html.Tag("li");
      html.Element("a", {{"href", target.Url()}, {"data-nav", ""}, {"aria-label", "Page " + std::to_string(page)}},
                   std::to_string(page));
    }
  }
  if (state.page < pages) link(state.page + 1, "Next", "Next page");
}

}  // namespace

void RenderSearchResults(Html& html, const SearchState& state, const SearchView& view, const Directory& directory) {
  const auto words = QueryWords(state.q);
  const std::string heading = state.q.empty() ? "Assets" : "Results for “" + state.q + "”";
  const std::string count = std::to_string(view.total) + (view.total == 1 ? " asset" : " assets");
  html.Element("h1", {{"data-title", heading + " · agora"}, {"data-count", count}}, heading);
  auto layout = html.Tag("div", {{"class", "with-sidebar"}});
  {
    auto aside = html.Tag("aside", {{"class", "sidebar"}, {"aria-label", "Filters"}});
    const auto same = [](const std::string& v) { return v; };
    Facet(html, state, "Type", "type", view.facets.types, state.types, [](const std::string& v) { return TypeLabel(v); });
    Facet(html, state, "Organization", "org", view.facets.organizations, state.organizations,
          [&](const std::string& v) { return directory.OrganizationName(v); });
    Facet(html, state, "Lifecycle", "status", view.facets.statuses, state.statuses,
          [](const std::string& v) { return StatusLabel(v); });
    Facet(html, state, "Tags", "tag", view.facets.tags, state.tags, same);
    std::vector<search::TagValueFacet> tag_facets = view.facets.tag_values;
    for (const auto& f : state.tag_values)
      if (std::none_of(tag_facets.begin(), tag_facets.end(), [&](const auto& t) { return t.kind == f.kind && t.key == f.key; }))
        tag_facets.push_back({f.kind, f.key, {}});
    for (const auto& facet : tag_facets) {
      const auto name = directory.tag_names.find({facet.kind, facet.key});
      const std::string title = name != directory.tag_names.end() ? name->second : facet.key;
      std::vector<std::string> selected;
      for (const auto& f : state.tag_values)
        if (f.kind == facet.kind && f.key == facet.key) selected.push_back(f.value);
      Facet(html, state, title, facet.kind, facet.values, selected, same, facet.key + ":");
    }
  }
  auto column = html.Tag("div");
  {
    auto summary = html.Tag("div", {{"class", "result-summary"}});
    html.Element("p", {{"class", "muted"}}, count);
    auto sort = html.Tag("nav", {{"class", "sort"}, {"aria-label", "Sort by"}});
    html.Element("span", {{"class", "muted"}}, "Sort by");
    const std::string current = state.EffectiveSort();
    for (const auto& [value, label] : {std::pair{"relevance", "Relevance"}, std::pair{"name", "Name"},
                                       std::pair{"updated", "Last update"}}) {
      if (std::string(value) == "relevance" && words.empty()) continue;
      SearchState target = state;
      target.sort = value;
      target.page = 1;
      if (current == value) html.Element("a", {{"href", target.Url()}, {"data-nav", ""}, {"aria-current", "true"}}, label);
      else html.Element("a", {{"href", target.Url()}, {"data-nav", ""}}, label);
    }
  }
  if (state.Filtered()) {
    SearchState cleared;
    cleared.q = state.q;
    cleared.sort = state.sort;
    auto filters = html.Tag("p", {{"class", "active-filters"}});
    html.Element("a", {{"href", cleared.Url()}, {"data-nav", ""}}, "Clear all filters");
  }
  if (view.versions.empty()) {
    html.Element("p", state.q.empty() && !state.Filtered() ? "There are no assets you can see yet."
                                                            : "No assets match this search.");
    return;
  }
  {
    auto list = html.Tag("ol", {{"class", "results"}, {"aria-label", "Results"}});
    for (const auto& v : view.versions) ResultItem(html, v, directory, words);
  }
  Pagination(html, state, view.total);
}

}  // namespace agora::portal
