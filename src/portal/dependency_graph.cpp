#include "portal/dependency_graph.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>

#include "portal/asset_page.h"
#include "portal/links.h"

namespace agora::portal {
namespace {

constexpr double kBoxWidth = 230, kBoxHeight = 50, kColumnGap = 70, kRowGap = 18, kMargin = 12;
constexpr size_t kMaxLabel = 30;

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

// At most kMaxLabel characters (UTF-8 aware), with an ellipsis when cut.
std::string Shorten(const std::string& text) {
  size_t characters = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++characters > kMaxLabel) return text.substr(0, i) + "…";
  }
  return text;
}

std::string NodeClass(const DependencyNode& node, bool current) {
  std::string cls = "node";
  if (current) cls += " current";
  if (!node.readable) cls += " foreign";
  else if (!node.version) cls += " missing";
  else cls += std::string(" ") + assets::LifecycleName(node.version->status);
  return cls;
}

std::string NodeName(const DependencyNode& node) {
  if (node.version) return node.version->name;
  return node.coordinates.asset_id;
}

std::string NodeDetail(const DependencyNode& node) {
  std::string detail = node.coordinates.version;
  if (!node.readable) return detail + " · another organization";
  if (!node.version) return detail + " · missing";
  return detail + " · " + StatusLabel(node.version->status);
}

}  // namespace

GraphLayout LayOut(const DependencyGraph& graph) {
  GraphLayout layout;
  const size_t n = graph.nodes.size();
  std::vector<int> column(n, 0);
  std::vector<bool> placed(n, false);
  placed[0] = true;
  // Dependencies to the right (edge from -> to), dependents to the left (edge to <- from).
  for (int direction : {1, -1}) {
    std::deque<size_t> queue{0};
    while (!queue.empty()) {
      const size_t at = queue.front();
      queue.pop_front();
      for (const auto& [from, to] : graph.edges) {
        const size_t next = direction > 0 ? (from == at ? to : n) : (to == at ? from : n);
        if (next >= n || placed[next]) continue;
        placed[next] = true;
        column[next] = column[at] + direction;
        queue.push_back(next);
      }
    }
  }
  const int min_column = *std::min_element(column.begin(), column.end());
  const int max_column = *std::max_element(column.begin(), column.end());
  std::map<int, int> rows;  // column -> nodes placed in it so far
  for (size_t i = 0; i < n; ++i) ++rows[column[i]];
  int tallest = 0;
  for (const auto& [c, count] : rows) tallest = std::max(tallest, count);
  const double height = kMargin * 2 + tallest * kBoxHeight + (tallest - 1) * kRowGap;
  std::map<int, int> used;
  layout.boxes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int c = column[i];
    const int count = rows[c];
    const double column_height = count * kBoxHeight + (count - 1) * kRowGap;
    const int row = used[c]++;
    layout.boxes[i].column = c;
    layout.boxes[i].x = kMargin + (c - min_column) * (kBoxWidth + kColumnGap);
    layout.boxes[i].y = (height - column_height) / 2 + row * (kBoxHeight + kRowGap);
  }
  layout.width = kMargin * 2 + (max_column - min_column + 1) * kBoxWidth + (max_column - min_column) * kColumnGap;
  layout.height = height;
  return layout;
}

SafeHtml GraphSvg(const DependencyGraph& graph, const GraphLayout& layout) {
  Html svg;
  const std::string width = Number(layout.width), height = Number(layout.height);
  svg.Open("svg", {{"xmlns", "http://www.w3.org/2000/svg"}, {"width", width}, {"height", height},
                   {"viewBox", "0 0 " + width + " " + height}, {"role", "group"},
                   {"aria-label", "Dependency graph: arrows point from an asset to what it depends on"}});
  svg.Open("defs");
  svg.Open("marker", {{"id", "arrow"}, {"viewBox", "0 0 10 10"}, {"refX", "10"}, {"refY", "5"},
                      {"markerWidth", "8"}, {"markerHeight", "8"}, {"orient", "auto-start-reverse"}});
  svg.Void("path", {{"d", "M 0 0 L 10 5 L 0 10 z"}, {"class", "graph-arrow"}}).Close("path");
  svg.Close("marker").Close("defs");
  for (const auto& [from, to] : graph.edges) {
    const auto& a = layout.boxes[from];
    const auto& b = layout.boxes[to];
    // From the right edge of the dependent to the left edge of the dependency; sideways when
    // they share a column.
    double x1 = a.x + kBoxWidth, y1 = a.y + kBoxHeight / 2, x2 = b.x, y2 = b.y + kBoxHeight / 2;
    if (a.column >= b.column) x1 = a.x + kBoxWidth / 2, y1 = a.y + (a.y < b.y ? kBoxHeight : 0),
                              x2 = b.x + kBoxWidth / 2, y2 = b.y + (a.y < b.y ? 0 : kBoxHeight);
    const double bend = std::max(30.0, (x2 - x1) / 2);
    const std::string d = "M " + Number(x1) + " " + Number(y1) + " C " + Number(x1 + (a.column < b.column ? bend : 0)) +
                          " " + Number(y1) + ", " + Number(x2 - (a.column < b.column ? bend : 0)) + " " + Number(y2) +
                          ", " + Number(x2) + " " + Number(y2);
    svg.Void("path", {{"d", d}, {"class", "edge"}, {"marker-end", "url(#arrow)"}}).Close("path");
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& node = graph.nodes[i];
    const auto& box = layout.boxes[i];
    const bool linked = node.version.has_value();
    if (linked) svg.Open("a", {{"href", VersionUrl(node.coordinates)}});
    svg.Open("g", {{"class", NodeClass(node, i == 0)}});
    svg.Void("rect", {{"x", Number(box.x)}, {"y", Number(box.y)}, {"width", Number(kBoxWidth)},
                      {"height", Number(kBoxHeight)}, {"rx", "6"}}).Close("rect");
    svg.Element("text", {{"x", Number(box.x + 10)}, {"y", Number(box.y + 20)}}, Shorten(NodeName(node)));
    svg.Element("text", {{"x", Number(box.x + 10)}, {"y", Number(box.y + 38)}, {"class", "sub"}},
                Shorten(NodeDetail(node)));
    svg.Close("g");
    if (linked) svg.Close("a");
  }
  svg.Close("svg");
  return TrustedMarkup(svg.Take());
}

void RenderDependencyPage(Html& html, const DependencyGraph& graph) {
  html.Element("h1", "Dependencies");
  const GraphLayout layout = LayOut(graph);
  std::vector<std::pair<size_t, std::string>> warnings;
  for (size_t i = 1; i < graph.nodes.size(); ++i)
    if (layout.boxes[i].column > 0)
      if (auto warning = DependencyWarning(graph.nodes[i]); !warning.empty()) warnings.emplace_back(i, warning);
  if (!warnings.empty()) {
    auto box = html.Tag("section", {{"class", "warnings"}, {"aria-labelledby", "graph-warnings"}});
    html.Element("h2", {{"id", "graph-warnings"}}, "Warnings");
    auto list = html.Tag("ul");
    for (const auto& [i, warning] : warnings) {
      auto item = html.Tag("li");
      html.Element("code", graph.nodes[i].coordinates.ToString()).Text(": " + warning);
    }
  }
  html.Element("p", std::to_string(graph.dependency_count) + " dependenc" + (graph.dependency_count == 1 ? "y" : "ies") +
                        " and " + std::to_string(graph.dependent_count) + " dependent" +
                        (graph.dependent_count == 1 ? "" : "s") + ", direct and transitive." +
                        (graph.truncated ? " The graph is cut off at " + std::to_string(graph.nodes.size()) + " assets." : ""));
  if (graph.nodes.size() > 1) {
    auto figure = html.Tag("figure", {{"class", "graph"}});
    html.Raw(GraphSvg(graph, layout));
  }
  for (const bool dependencies : {true, false}) {
    std::vector<size_t> listed;
    for (size_t i = 1; i < graph.nodes.size(); ++i)
      if ((layout.boxes[i].column > 0) == dependencies) listed.push_back(i);
    html.Element("h2", dependencies ? "Depends on" : "Used by");
    if (listed.empty()) {
      html.Element("p", dependencies ? "Nothing." : "No asset you can see.");
      continue;
    }
    std::stable_sort(listed.begin(), listed.end(), [&](size_t a, size_t b) {
      return std::abs(layout.boxes[a].column) < std::abs(layout.boxes[b].column);
    });
    auto scroll = html.Tag("div", {{"class", "table-scroll"}});
    auto table = html.Tag("table");
    TableHead(html, {"Asset", "Coordinates", "Status", "Distance"});
    auto body = html.Tag("tbody");
    for (size_t i : listed) {
      const auto& node = graph.nodes[i];
      auto row = html.Tag("tr");
      {
        auto cell = html.Tag("td");
        if (node.version) html.Element("a", {{"href", VersionUrl(node.coordinates)}}, node.version->name);
        else html.Text(node.coordinates.asset_id);
      }
      html.Open("td").Element("code", node.coordinates.ToString()).Close("td");
      const std::string warning = DependencyWarning(node);
      html.Element("td", !node.readable ? "another organization's"
                         : !node.version ? "missing"
                                         : StatusLabel(node.version->status) + (warning.empty() || !dependencies ? "" : " (warning)"));
      const int distance = std::abs(layout.boxes[i].column);
      html.Element("td", distance == 1 ? "direct" : std::to_string(distance) + " steps");
    }
  }
}

}  // namespace agora::portal
