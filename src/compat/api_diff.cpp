#include "compat/api_diff.h"

#include <algorithm>
#include <deque>
#include <map>

namespace agora::compat::internal {
namespace {

// "/pets/{id}/toys/{toy}" -> "/pets/{}/toys/{}" and ["id", "toy"].
std::pair<std::string, std::vector<std::string>> NormalizePath(const std::string& path) {
  std::string normalized;
  std::vector<std::string> variables;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '{') {
      normalized += path[i];
      continue;
    }
    const size_t end = path.find('}', i);
    if (end == std::string::npos) {
      normalized += path.substr(i);
      break;
    }
    variables.push_back(path.substr(i + 1, end - i - 1));
    normalized += "{}";
    i = end;
  }
  return {normalized, variables};
}

struct MediaTypeName {
  std::string type, subtype, suffix;
};

std::optional<MediaTypeName> ParseMediaType(const std::string& text) {
  std::string bare = text.substr(0, text.find(';'));
  bare.erase(std::remove_if(bare.begin(), bare.end(), [](unsigned char c) { return std::isspace(c); }), bare.end());
  std::transform(bare.begin(), bare.end(), bare.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto slash = bare.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == bare.size()) return std::nullopt;
  MediaTypeName name{bare.substr(0, slash), bare.substr(slash + 1), ""};
  if (const auto plus = name.subtype.find('+'); plus != std::string::npos) {
    name.suffix = name.subtype.substr(plus + 1);
    name.subtype.resize(plus);
    if (name.suffix.empty() || name.suffix.find('+') != std::string::npos) return std::nullopt;
  }
  return name;
}

// Whether `contained` is the same media type as `general` or a specialisation of it
// (application/problem+json of application/json).
bool MediaTypeContained(const std::string& general, const std::string& contained) {
  const auto a = ParseMediaType(general), b = ParseMediaType(contained);
  if (!a || !b || a->type != b->type) return false;
  if (a->suffix.empty() && !b->suffix.empty() && b->suffix == a->subtype) return true;
  return a->subtype == b->subtype && a->suffix == b->suffix;
}

const Shape* ShapeOf(const std::vector<Shape>& shape) { return shape.empty() ? nullptr : &shape.front(); }

class Differ {
 public:
  Differ(SchemaComparer& comparer, const Options& options) : comparer_(comparer), options_(options) {}

  ApiDiff Run() {
    ApiDiff diff;
    const auto& base = comparer_.base_index().model();
    const auto& revision = comparer_.revision_index().model();
    diff.resources = DiffResources(base.resources, revision.resources, "");
    diff.webhooks = DiffResources(base.webhooks, revision.webhooks, "webhook:");
    for (auto& pair : diff.webhooks.matched) diff.resources.matched.push_back(pair);
    return diff;
  }

 private:
  ResourcesDiff DiffResources(const std::vector<Resource>& base, const std::vector<Resource>& revision,
                              const std::string& prefix) {
    ResourcesDiff diff;
    std::vector<bool> revision_taken(revision.size(), false);
    for (const Resource& resource : base) {
      const Resource* match = nullptr;
      std::map<std::string, std::string> variables;
      for (size_t j = 0; j < revision.size() && !match; ++j)
        if (!revision_taken[j] && revision[j].path == resource.path) {
          match = &revision[j];
          revision_taken[j] = true;
        }
      if (!match) {
        const auto [normalized, names] = NormalizePath(resource.path);
        for (size_t j = 0; j < revision.size() && !match; ++j) {
          if (revision_taken[j]) continue;
          const auto [other, other_names] = NormalizePath(revision[j].path);
          if (other != normalized || other_names.size() != names.size()) continue;
          match = &revision[j];
          revision_taken[j] = true;
          for (size_t k = 0; k < names.size(); ++k) variables[names[k]] = other_names[k];
        }
      }
      if (match) diff.matched.push_back(DiffResource(resource, *match, prefix, variables));
      else diff.deleted.push_back(&resource);
    }
    for (size_t j = 0; j < revision.size(); ++j)
      if (!revision_taken[j]) diff.added.push_back(&revision[j]);
    return diff;
  }

  ResourcePair DiffResource(const Resource& base, const Resource& revision, const std::string& prefix,
                            const std::map<std::string, std::string>& variables) {
    ResourcePair pair{prefix + base.path, &base, &revision, {}, {}, {}, {}};
    const auto& base_model = comparer_.base_index().model();
    const auto& revision_model = comparer_.revision_index().model();
    for (const Operation& operation : base.operations) {
      const std::string key = OperationKey(base_model, operation);
      auto match = std::find_if(revision.operations.begin(), revision.operations.end(),
                                [&](const Operation& o) { return OperationKey(revision_model, o) == key; });
      if (match == revision.operations.end()) pair.operations_deleted.push_back(&operation);
      else pair.operations_matched.push_back(DiffOperation(pair.path, operation, *match, variables));
    }
    for (const Operation& operation : revision.operations) {
      const std::string key = OperationKey(revision_model, operation);
      if (std::none_of(base.operations.begin(), base.operations.end(),
                       [&](const Operation& o) { return OperationKey(base_model, o) == key; }))
        pair.operations_added.push_back(&operation);
    }
    if (!options_.flatten_params)
      pair.path_parameters = DiffParameters(PathLevel(base), PathLevel(revision), variables);
    return pair;
  }

  // The path-item parameters of a resource, once each.
  static std::vector<const Parameter*> PathLevel(const Resource& resource) {
    std::vector<const Parameter*> parameters;
    for (const Operation& operation : resource.operations)
      for (const Parameter& parameter : operation.parameters)
        if (parameter.path_level &&
            std::none_of(parameters.begin(), parameters.end(),
                         [&](const Parameter* p) { return p->in == parameter.in && p->name == parameter.name; }))
          parameters.push_back(&parameter);
    return parameters;
  }

  std::vector<const Parameter*> OwnParameters(const Operation& operation) const {
    std::vector<const Parameter*> parameters;
    for (const Parameter& parameter : operation.parameters)
      if (!parameter.path_level || options_.flatten_params) parameters.push_back(&parameter);
    return parameters;
  }

  OperationPair DiffOperation(const std::string& path, const Operation& base, const Operation& revision,
                              const std::map<std::string, std::string>& variables) {
    OperationPair pair;
    pair.method = base.method;
    pair.path = path;
    pair.base = &base;
    pair.revision = &revision;
    pair.parameters = DiffParameters(OwnParameters(base), OwnParameters(revision), variables);
    pair.body_added = base.request_bodies.empty() && !revision.request_bodies.empty();
    pair.body_deleted = !base.request_bodies.empty() && revision.request_bodies.empty();
    if (!pair.body_added && !pair.body_deleted) pair.body = DiffContent(base.request_bodies, revision.request_bodies);
    for (const Response& response : base.responses) {
      auto match = std::find_if(revision.responses.begin(), revision.responses.end(),
                                [&](const Response& r) { return r.status == response.status; });
      if (match == revision.responses.end()) {
        pair.responses_deleted.push_back(&response);
        continue;
      }
      ResponsePair responses{response.status, &response, &*match, DiffContent(response.bodies, match->bodies), {}, {}, {}};
      for (const Parameter& header : response.headers) {
        auto same = std::find_if(match->headers.begin(), match->headers.end(),
                                 [&](const Parameter& h) { return h.name == header.name; });
        if (same == match->headers.end()) responses.headers_deleted.push_back(&header);
        else responses.headers_matched.push_back({&header, &*same, comparer_.Compare(ShapeOf(header.shape), ShapeOf(same->shape))});
      }
      for (const Parameter& header : match->headers)
        if (std::none_of(response.headers.begin(), response.headers.end(),
                         [&](const Parameter& h) { return h.name == header.name; }))
          responses.headers_added.push_back(&header);
      pair.responses_matched.push_back(std::move(responses));
    }
    for (const Response& response : revision.responses)
      if (std::none_of(base.responses.begin(), base.responses.end(),
                       [&](const Response& r) { return r.status == response.status; }))
        pair.responses_added.push_back(&response);
    return pair;
  }

  ContentDiff DiffContent(const std::vector<Body>& base, const std::vector<Body>& revision) {
    ContentDiff diff;
    auto find = [](const std::vector<Body>& bodies, const std::string& name) -> const Body* {
      for (const Body& body : bodies)
        if (body.media_type == name) return &body;
      return nullptr;
    };
    std::vector<const Body*> deleted, added;
    for (const Body& body : base) {
      if (const Body* same = find(revision, body.media_type))
        diff.matched.push_back({body.media_type, &body, same, comparer_.Compare(ShapeOf(body.shape), ShapeOf(same->shape))});
      else deleted.push_back(&body);
    }
    for (const Body& body : revision)
      if (!find(base, body.media_type)) added.push_back(&body);
    // A media type renamed to an equivalent one (application/json <-> application/problem+json)
    // is the same body.
    std::vector<bool> deleted_paired(deleted.size(), false);
    for (const Body* body : added) {
      bool paired = false;
      for (size_t d = 0; d < deleted.size() && !paired; ++d) {
        if (deleted_paired[d] || !(MediaTypeContained(body->media_type, deleted[d]->media_type) ||
                                   MediaTypeContained(deleted[d]->media_type, body->media_type)))
          continue;
        deleted_paired[d] = paired = true;
        diff.matched.push_back({body->media_type, deleted[d], body, comparer_.Compare(ShapeOf(deleted[d]->shape), ShapeOf(body->shape))});
      }
      if (!paired) diff.added.push_back(body);
    }
    for (size_t d = 0; d < deleted.size(); ++d)
      if (!deleted_paired[d]) diff.deleted.push_back(deleted[d]);
    return diff;
  }

  // An object query (or cookie) parameter with `style: form, explode: true` sends each property
  // as a parameter of its own, so `?a=1&b=2` may be one object parameter or two simple ones.
  static bool ExplodedObject(const Parameter& parameter, ModelIndex& index) {
    if (parameter.in != "query" && parameter.in != "cookie") return false;
    if (parameter.shape.empty() || !parameter.explode.value_or(parameter.style.empty() || parameter.style == "form"))
      return false;
    if (!parameter.style.empty() && parameter.style != "form") return false;
    const Shape& shape = *index.Resolve(&parameter.shape.front());
    return TypesOf(shape) == std::vector<std::string>{"object"} && FindAnyProperty(shape);
  }
  static bool FindAnyProperty(const Shape& shape) {
    return std::any_of(shape.properties.begin(), shape.properties.end(), [](const Property& p) { return !p.pattern; });
  }

  // Pairs simple parameters of one side with the properties of an exploded object parameter of
  // the other, as parameters standing for those properties.
  void MatchExploded(const std::vector<const Parameter*>& simple, ModelIndex& simple_index,
                     const std::vector<const Parameter*>& exploded, ModelIndex& exploded_index, bool simple_is_base,
                     std::set<const Parameter*>& done_simple, std::set<const Parameter*>& done_exploded,
                     ParametersDiff& diff) {
    for (const Parameter* object : exploded) {
      if (done_exploded.count(object) || !ExplodedObject(*object, exploded_index)) continue;
      const Shape& shape = *exploded_index.Resolve(&object->shape.front());
      bool any = false;
      for (const Parameter* parameter : simple) {
        if (done_simple.count(parameter) || parameter->in != object->in || ExplodedObject(*parameter, simple_index))
          continue;
        const Property* property = FindProperty(shape, parameter->name);
        if (!property) continue;
        Parameter& stand_in = virtual_parameters_.emplace_back(*object);
        stand_in.name = parameter->name;
        stand_in.shape = property->shape;
        const Parameter* base = simple_is_base ? parameter : &stand_in;
        const Parameter* revision = simple_is_base ? &stand_in : parameter;
        diff.matched.push_back({base, revision, comparer_.Compare(ShapeOf(base->shape), ShapeOf(revision->shape))});
        done_simple.insert(parameter);
        any = true;
      }
      if (any) done_exploded.insert(object);
    }
  }

  ParametersDiff DiffParameters(const std::vector<const Parameter*>& base, const std::vector<const Parameter*>& revision,
                                const std::map<std::string, std::string>& variables) {
    ParametersDiff diff;
    std::set<const Parameter*> done_base, done_revision;
    MatchExploded(base, comparer_.base_index(), revision, comparer_.revision_index(), true, done_base, done_revision, diff);
    MatchExploded(revision, comparer_.revision_index(), base, comparer_.base_index(), false, done_revision, done_base, diff);
    auto same = [&](const Parameter& a, const Parameter& b) {
      if (a.in != b.in) return false;
      if (a.in != "path") return a.name == b.name;
      const auto renamed = variables.find(a.name);
      return renamed == variables.end() ? a.name == b.name : renamed->second == b.name;
    };
    for (const Parameter* parameter : base) {
      if (done_base.count(parameter)) continue;
      const Parameter* match = nullptr;
      for (const Parameter* other : revision)
        if (!done_revision.count(other) && same(*parameter, *other)) {
          match = other;
          break;
        }
      if (!match) {
        diff.deleted.push_back(parameter);
        continue;
      }
      done_revision.insert(match);
      diff.matched.push_back({parameter, match, comparer_.Compare(ShapeOf(parameter->shape), ShapeOf(match->shape))});
    }
    for (const Parameter* parameter : revision)
      if (!done_revision.count(parameter)) diff.added.push_back(parameter);
    return diff;
  }

  SchemaComparer& comparer_;
  const Options& options_;
  std::deque<Parameter> virtual_parameters_;

 public:
  std::deque<Parameter> TakeVirtualParameters() { return std::move(virtual_parameters_); }
};

}  // namespace

std::string OperationKey(const specs::ApiModel& model, const Operation& operation) {
  return model.format == "wsdl" ? operation.operation_id : operation.method;
}

ApiDiff DiffApis(SchemaComparer& comparer, const Options& options) {
  Differ differ(comparer, options);
  ApiDiff diff = differ.Run();
  diff.stand_ins = differ.TakeVirtualParameters();
  return diff;
}

}  // namespace agora::compat::internal
