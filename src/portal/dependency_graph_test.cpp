#include "portal/dependency_graph.h"

#include <gtest/gtest.h>

#include "portal/asset_page.h"

namespace agora::portal {
namespace {

DependencyNode Node(const std::string& asset, assets::Lifecycle status = assets::Lifecycle::kPublished,
                    bool exists = true, bool readable = true) {
  DependencyNode node{{"g", asset, "1.0.0"}, std::nullopt, readable};
  if (exists && readable) {
    assets::AssetVersion v;
    v.coordinates = node.coordinates;
    v.name = "<" + asset + ">";
    v.status = status;
    node.version = v;
  }
  return node;
}

// user -> app -> api -> {lib (deprecated), gone (missing), foreign (another organisation's)}
DependencyGraph Chain() {
  DependencyGraph graph;
  graph.nodes = {Node("api"), Node("lib", assets::Lifecycle::kDeprecated), Node("gone", {}, false), Node("foreign", {}, true, false),
                 Node("app", assets::Lifecycle::kDevelopment), Node("user")};
  graph.edges = {{0, 1}, {0, 2}, {0, 3}, {4, 0}, {5, 4}};
  graph.dependency_count = 3;
  graph.dependent_count = 2;
  return graph;
}

TEST(DependencyGraphTest, DependentsGoLeftAndDependenciesRight) {
  const GraphLayout layout = LayOut(Chain());
  ASSERT_EQ(layout.boxes.size(), 6u);
  EXPECT_EQ(layout.boxes[0].column, 0);
  EXPECT_EQ(layout.boxes[1].column, 1);
  EXPECT_EQ(layout.boxes[3].column, 1);
  EXPECT_EQ(layout.boxes[4].column, -1);
  EXPECT_EQ(layout.boxes[5].column, -2);
  EXPECT_LT(layout.boxes[5].x, layout.boxes[4].x);
  EXPECT_LT(layout.boxes[0].x, layout.boxes[1].x);
  EXPECT_NE(layout.boxes[1].y, layout.boxes[2].y) << "a column's nodes do not overlap";
  EXPECT_GE(layout.height, layout.boxes[3].y + 50);
  EXPECT_GE(layout.width, layout.boxes[1].x + 230);
}

TEST(DependencyGraphTest, DrawsEscapedNodesLinkedOnlyWhenReadable) {
  const auto graph = Chain();
  const std::string svg = GraphSvg(graph, LayOut(graph)).str();
  EXPECT_NE(svg.find("&lt;lib&gt;"), std::string::npos) << "names are escaped";
  EXPECT_EQ(svg.find("<lib>"), std::string::npos);
  EXPECT_NE(svg.find("href=\"/exchange/g/lib/1.0.0/\""), std::string::npos);
  EXPECT_EQ(svg.find("href=\"/exchange/g/foreign/1.0.0/\""), std::string::npos) << "another organisation's is not linked";
  EXPECT_NE(svg.find("1.0.0 · another organization"), std::string::npos);
  EXPECT_NE(svg.find("class=\"node missing\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"node deprecated\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"node current published\""), std::string::npos);
  size_t edges = 0;
  for (size_t at = svg.find("class=\"edge\""); at != std::string::npos; at = svg.find("class=\"edge\"", at + 1)) ++edges;
  EXPECT_EQ(edges, 5u);
}

TEST(DependencyGraphTest, WarnsOnDeprecatedDevelopmentAndMissingDependenciesOnly) {
  const auto graph = Chain();
  EXPECT_EQ(DependencyWarning(graph.nodes[1]), "deprecated");
  EXPECT_EQ(DependencyWarning(graph.nodes[2]), "missing: this version no longer exists");
  EXPECT_EQ(DependencyWarning(graph.nodes[3]), "");
  EXPECT_EQ(DependencyWarning(graph.nodes[4]), "in development and may still change");
  Html html;
  RenderDependencyPage(html, graph);
  const std::string page = html.Take();
  EXPECT_NE(page.find("g:lib:1.0.0</code>: deprecated"), std::string::npos) << page;
  EXPECT_NE(page.find("g:gone:1.0.0</code>: missing"), std::string::npos);
  EXPECT_EQ(page.find("g:app:1.0.0</code>: in development"), std::string::npos) << "a dependent puts nothing at risk";
  EXPECT_NE(page.find("3 dependencies and 2 dependents"), std::string::npos);
  EXPECT_NE(page.find("2 steps"), std::string::npos) << "the transitive dependent";
}

TEST(DependencyGraphTest, ALoneVersionNeedsNoDrawing) {
  DependencyGraph graph;
  graph.nodes = {Node("api")};
  Html html;
  RenderDependencyPage(html, graph);
  EXPECT_EQ(html.str().find("<svg"), std::string::npos);
  EXPECT_NE(html.str().find("0 dependencies and 0 dependents"), std::string::npos);
}

}  // namespace
}  // namespace agora::portal
