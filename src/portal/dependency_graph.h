// The dependency page: an asset version's dependencies and dependents, both directions and
// transitively, drawn as an SVG graph on the server (columns by distance: dependents to the left,
// dependencies to the right, every arrow meaning "depends on"), with warnings on deprecated,
// development and missing dependencies, and the same graph as lists for screen readers and
// anyone who prefers text.
//
// Thread safety: reentrant.
#pragma once

#include "portal/catalogue.h"
#include "portal/html.h"

namespace agora::portal {

struct GraphLayout {
  struct Box {
    double x = 0, y = 0;  // top left
    int column = 0;        // negative: dependents, 0: the version, positive: dependencies
  };
  std::vector<Box> boxes;  // one per graph node
  double width = 0, height = 0;
};

// Places the nodes in columns by their distance from the version (graph.nodes[0]).
GraphLayout LayOut(const DependencyGraph& graph);

// The SVG (escaped text, checked links) of a laid-out graph.
SafeHtml GraphSvg(const DependencyGraph& graph, const GraphLayout& layout);

void RenderDependencyPage(Html& html, const DependencyGraph& graph);

}  // namespace agora::portal
