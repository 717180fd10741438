#include "specs/raml_overlays.h"

#include <algorithm>
#include <set>

namespace agora::specs::raml {
namespace {

bool IsDocumentationKey(const std::string& key) {
  static const std::set<std::string> keys = {"title", "description", "displayName", "documentation", "usage", "example",
                                             "examples"};
  return keys.count(key) || !AnnotationName(key).empty();
}

bool SameTree(const RamlNode& a, const RamlNode& b) { return ToJsonText(a) == ToJsonText(b) && a.kind == b.kind; }

// Merges `layer` into `target`. An overlay (`overlay` true) may only change documentation.
void MergeLayer(Context& context, RamlNode& target, const RamlNode& layer, bool overlay, int depth) {
  if (!layer.is_mapping()) return;
  if (target.is_null()) target.kind = RamlNode::Kind::kMapping;
  for (const auto& pair : layer.pairs) {
    if (depth == 0 && (pair.key == "extends" || pair.key == "usage")) continue;
    auto existing = std::find_if(target.pairs.begin(), target.pairs.end(), [&](const RamlPair& p) { return p.key == pair.key; });
    const bool documentation = IsDocumentationKey(pair.key);
    // New declarations an overlay may bring: annotation types, types and the libraries they use.
    const bool declarations = depth == 0 && (pair.key == "annotationTypes" || pair.key == "types" ||
                                             pair.key == "schemas" || pair.key == "uses");
    if (existing == target.pairs.end()) {
      if (overlay && !documentation && !declarations && !(depth == 1 && pair.key.empty()))
        context.ReportKey(layer, pair, "an overlay cannot add '" + pair.key + "' (only documentation and annotations)");
      target.pairs.push_back(pair);
      continue;
    }
    RamlNode& mine = existing->value;
    if (documentation && (!pair.value.is_mapping() || !mine.is_mapping())) {
      mine = pair.value;
    } else if ((mine.is_mapping() || mine.is_null()) && pair.value.is_mapping()) {
      // Inside documentation (an example's value, an annotation's) an overlay may change anything.
      MergeLayer(context, mine, pair.value, overlay && !documentation, depth + 1);
    } else if (!SameTree(mine, pair.value)) {
      if (overlay && !documentation)
        context.ReportKey(layer, pair, "an overlay cannot change '" + pair.key + "' (only documentation and annotations)");
      else mine = pair.value;
    }
  }
}

}  // namespace

std::optional<RamlNode> ApplyExtends(Context& context, const std::string& path, const RamlNode& root,
                                     const std::string& kind, ResolutionStack& chain) {
  const RamlNode* extends = root.Find("extends");
  if (!extends || !extends->is_scalar() || extends->is_null()) {
    context.Report(extends ? *extends : root, "an " + kind + " must name its master with 'extends'");
    return std::nullopt;
  }
  auto master_path = context.loader.Resolve(path, extends->scalar);
  if (!master_path.ok()) {
    context.Report(*extends, master_path.status().message());
    return std::nullopt;
  }
  auto entered = chain.Enter(*master_path);
  if (!entered) {
    context.Report(*extends, entered.refusal());
    return std::nullopt;
  }
  const RamlNode* master = context.loader.Load(*master_path, {path, extends->line, extends->column, ""});
  if (!master) return std::nullopt;
  if (!master->is_mapping()) {
    context.Report(*extends, "the master '" + extends->scalar + "' is not a RAML API");
    return std::nullopt;
  }
  const auto [version, master_kind] = context.loader.HeaderOf(*master_path);
  std::optional<RamlNode> base;
  if (master_kind == "Overlay" || master_kind == "Extension") {
    base = ApplyExtends(context, *master_path, *master, master_kind, chain);
    if (!base) return std::nullopt;
  } else if (master_kind.empty() && version == "1.0") {
    base = *master;
  } else {
    context.Report(*extends, "the master '" + extends->scalar + "' is not a RAML 1.0 API, overlay or extension");
    return std::nullopt;
  }
  MergeLayer(context, *base, root, kind == "Overlay", 0);
  return base;
}

}  // namespace agora::specs::raml
