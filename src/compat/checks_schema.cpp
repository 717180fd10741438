// The checks of request and response bodies: the body's own schema ("request-body-...",
// "response-body-...") and every property below it ("request-property-...",
// "response-property-..."). A constraint that narrows what a client may send breaks the request
// side; one that widens what a client may receive breaks the response side.
#include <boost/json.hpp>

#include <set>

#include "compat/checks.h"

namespace agora::compat::internal {
namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
  return text;
}

std::vector<std::string> Minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> result;
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) result.push_back(x);
  return result;
}

// An exclusive bound as oasdiff reads it: the OAS 3.1 number, else the OAS 3.0 flag when set.
struct ExclusiveBound {
  bool present = false;
  bool numeric = false;
  double value = 0;
};
ExclusiveBound ExclusiveMinimum(const Shape& shape) {
  if (shape.exclusive_minimum_value) return {true, true, *shape.exclusive_minimum_value};
  return {shape.exclusive_minimum, false, 0};
}
ExclusiveBound ExclusiveMaximum(const Shape& shape) {
  if (shape.exclusive_maximum_value) return {true, true, *shape.exclusive_maximum_value};
  return {shape.exclusive_maximum, false, 0};
}
bool Differs(const ExclusiveBound& a, const ExclusiveBound& b) {
  return a.present != b.present || a.numeric != b.numeric || a.value != b.value;
}
std::string BoundText(const ExclusiveBound& bound) { return bound.numeric ? NumberText(bound.value) : "true"; }

template <typename T>
std::string Text(const std::optional<T>& value) {
  return value ? NumberText(static_cast<double>(*value)) : "none";
}

}  // namespace

std::optional<std::vector<std::string>> ExtensibleEnum(const Shape& shape) {
  const auto found = shape.extensions.find("x-extensible-enum");
  if (found == shape.extensions.end()) return std::nullopt;
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(found->second, error);
  if (error || !value.is_array()) return std::nullopt;
  std::vector<std::string> values;
  for (const auto& item : value.get_array())
    if (item.is_string()) values.emplace_back(item.get_string());
  return values;
}

std::vector<std::string> RemovedExtensibleEnumValues(const Shape& base, const Shape& revision) {
  const auto from = ExtensibleEnum(base), to = ExtensibleEnum(revision);
  if (!from || !to) return {};
  std::vector<std::string> removed;
  for (const auto& value : *from)
    if (std::find(to->begin(), to->end(), value) == to->end()) removed.push_back(value);
  return removed;
}

namespace {

const Property* Holder(const SchemaDiff& parent, bool revision, const std::string& name) {
  const Shape* shape = revision ? parent.revision : parent.base;
  return shape ? FindProperty(*shape, name) : nullptr;
}

// The schema checks of one body (a request body or one response's body) of one media type.
class BodyChecks {
 public:
  BodyChecks(CheckContext& context, const Scope& scope, const MediaPair& media, const std::string& status)
      : context_(context), scope_(scope), media_(media), status_(status), request_(status.empty()),
        prefix_(request_ ? "request-" : "response-") {}

  void Run() {
    const SchemaDiff& root = *media_.schema;
    if (!root.both()) return;
    BodyLevel(root);
    WalkModified(root, [this](const std::string& path, const std::string& name, const SchemaDiff& diff,
                              const SchemaDiff& parent) {
      if (!diff.both()) return;
      PropertyLevel(PropertyName(path, name), name, diff, parent);
    });
    Required(root, "", root);
    WalkModified(root, [this, &root](const std::string& path, const std::string& name, const SchemaDiff& diff,
                                     const SchemaDiff&) {
      if (diff.both()) Required(diff, PropertyName(path, name), root);
    });
    AddedAndRemoved(root);
  }

 private:
  std::string Where() const {
    std::string where = request_ ? "request body" : "response " + status_;
    if (!media_.name.empty()) where += " (" + media_.name + ")";
    return where;
  }
  std::string Of(const std::string& property) const { return Quote(property) + " in the " + Where(); }

  void Body(const std::string& suffix, const std::string& detail, const SchemaDiff& node) {
    context_.Emit(prefix_ + "body-" + suffix, scope_, detail + (detail.empty() ? "" : " ") + "in the " + Where(),
                  Location(node.base, media_.base), Location(node.revision, media_.revision), &node);
  }
  void Property(const std::string& id, const std::string& property, const std::string& detail, const SchemaDiff& node,
                const SchemaDiff* claim) {
    context_.Emit(id, scope_, Of(property) + (detail.empty() ? "" : ": " + detail), Location(node.base, media_.base),
                  Location(node.revision, media_.revision), claim);
  }
  void Prop(const std::string& suffix, const std::string& property, const std::string& detail, const SchemaDiff& node) {
    Property(prefix_ + "property-" + suffix, property, detail, node, &node);
  }
  static SourceLocation Location(const Shape* shape, const specs::Body* body) {
    if (shape && shape->location.known()) return shape->location;
    return body ? body->location : SourceLocation{};
  }

  // ---- the body's own schema ----

  void BodyLevel(const SchemaDiff& root) {
    const Shape& base = *root.base;
    const Shape& revision = *root.revision;
    Discriminator(root, "");
    Subschemas(root, "");
    if (const int nullability = NullabilityChange(root))
      Body(nullability > 0 ? "became-nullable" : "became-not-nullable", "", root);
    if (request_ && base.enum_values.empty() && !revision.enum_values.empty()) Body("became-enum", "", root);
    if (request_)
      for (const auto& value : Minus(base.enum_values, revision.enum_values))
        Body("enum-value-removed", "value " + ValueText(value), root);
    if (!request_)
      for (const auto& value : Minus(base.enum_values, revision.enum_values))
        context_.Emit("response-mediatype-enum-value-removed", scope_,
                      "value " + ValueText(value) + " in the " + Where(), base.location, revision.location, &root);
    ValueChanges(root, "", root);
    Bounds(root, "", root);
    if (TypeOrFormatChanged(base, revision)) {
      const bool strongly_typed = StronglyTyped(media_.name);
      const std::string detail = "from " + TypeText(base) + " to " + TypeText(revision);
      if (request_) {
        const TypeVerdict verdict = RequestTypeChange(base, revision, strongly_typed);
        Body(verdict == TypeVerdict::kChanged      ? "type-changed"
             : verdict == TypeVerdict::kCompatible ? "type-compatible"
                                                   : "type-generalized",
             detail, root);
      } else {
        const TypeVerdict verdict = ResponseTypeChange(base, revision, strongly_typed);
        Body(verdict == TypeVerdict::kChanged       ? "type-changed"
             : verdict == TypeVerdict::kGeneralized ? "type-generalized"
             : verdict == TypeVerdict::kCompatible  ? "type-compatible"
                                                    : "type-specialized",
             detail, root);
      }
    }
    ListOfTypes(root, "", root);
    if (root.OneOfWrapping()) Body("wrapped-in-one-of", "", root);
  }

  // ---- each changed property ----

  void PropertyLevel(const std::string& property, const std::string& name,
                     const SchemaDiff& diff, const SchemaDiff& parent) {
    const Shape& base = *diff.base;
    const Shape& revision = *diff.revision;
    Discriminator(diff, property);
    Subschemas(diff, property);
    Stability(diff, property);
    if (const int nullability = NullabilityChange(diff))
      Prop(nullability > 0 ? "became-nullable" : "became-not-nullable", property, "", diff);
    if (request_ && base.enum_values.empty() && !revision.enum_values.empty()) Prop("became-enum", property, "", diff);
    for (const auto& value : Minus(base.enum_values, revision.enum_values)) {
      const std::string id = !request_           ? "response-property-enum-value-removed"
                             : revision.read_only ? "request-read-only-property-enum-value-removed"
                                                  : "request-property-enum-value-removed";
      Property(id, property, "value " + ValueText(value) + " removed", diff, &diff);
    }
    for (const auto& value : Minus(revision.enum_values, base.enum_values)) {
      const std::string id = request_              ? "request-property-enum-value-added"
                             : revision.write_only ? "response-write-only-property-enum-value-added"
                                                   : "response-property-enum-value-added";
      Property(id, property, "value " + ValueText(value) + " added", diff, &diff);
    }
    if (request_ && !revision.read_only)
      for (const auto& value : RemovedExtensibleEnumValues(base, revision))
        Prop("x-extensible-enum-value-removed", property, "value " + value + " removed", diff);
    ValueChanges(diff, property, diff);
    Bounds(diff, property, diff);
    Pattern(diff, property);
    Deprecation(diff, property);
    if (TypeOrFormatChanged(base, revision) && !(request_ && revision.read_only)) {
      const bool strongly_typed = StronglyTyped(media_.name);
      const std::string detail = "from " + TypeText(base) + " to " + TypeText(revision);
      if (request_) {
        const TypeVerdict verdict = RequestTypeChange(base, revision, strongly_typed);
        Prop(verdict == TypeVerdict::kChanged ? "type-changed"
             : verdict == TypeVerdict::kCompatible ? "type-compatible"
                                                   : "type-generalized",
             property, detail, diff);
      } else {
        const TypeVerdict verdict = ResponseTypeChange(base, revision, strongly_typed);
        Prop(verdict == TypeVerdict::kChanged       ? "type-changed"
             : verdict == TypeVerdict::kGeneralized ? "type-generalized"
             : verdict == TypeVerdict::kCompatible  ? "type-compatible"
                                                    : "type-specialized",
             property, detail, diff);
      }
    }
    if (!(request_ && revision.read_only)) ListOfTypes(diff, property, diff);
    Mutability(name, property, diff, parent);
  }

  // ---- shared by the body and its properties ----

  void Emit(const std::string& suffix, const std::string& property, const std::string& detail, const SchemaDiff& node) {
    if (property.empty()) Body(suffix, detail, node);
    else Prop(suffix, property, detail, node);
  }

  void Discriminator(const SchemaDiff& diff, const std::string& property) {
    const Shape& base = *diff.base;
    const Shape& revision = *diff.revision;
    const bool had = !base.discriminator.empty() || !base.discriminator_map.empty();
    const bool has = !revision.discriminator.empty() || !revision.discriminator_map.empty();
    if (!had && !has) return;
    if (!had) return Emit("discriminator-added", property, "", diff);
    if (!has) return Emit("discriminator-removed", property, "", diff);
    if (base.discriminator != revision.discriminator)
      Emit("discriminator-property-name-changed", property,
           "from " + Quote(base.discriminator) + " to " + Quote(revision.discriminator), diff);
    std::vector<std::string> added, deleted;
    for (const auto& [value, type] : revision.discriminator_map)
      if (!base.discriminator_map.count(value)) added.push_back(value);
    for (const auto& [value, type] : base.discriminator_map)
      if (!revision.discriminator_map.count(value)) deleted.push_back(value);
    if (!added.empty()) Emit("discriminator-mapping-added", property, Join(added), diff);
    if (!deleted.empty()) Emit("discriminator-mapping-deleted", property, Join(deleted), diff);
    for (const auto& [value, type] : base.discriminator_map) {
      const auto other = revision.discriminator_map.find(value);
      if (other != revision.discriminator_map.end() && other->second != type)
        Emit("discriminator-mapping-changed", property, value + " from " + type + " to " + other->second, diff);
    }
  }

  void Subschemas(const SchemaDiff& diff, const std::string& property) {
    auto split = [this](const std::vector<Subschema>& subschemas, const std::vector<Shape>& shapes, bool revision,
                        std::vector<Subschema>& kept, std::vector<Subschema>& annotations) {
      ModelIndex& index = revision ? context_.comparer().revision_index() : context_.comparer().base_index();
      for (const Subschema& subschema : subschemas) {
        const bool annotation = subschema.index < static_cast<int>(shapes.size()) &&
                                AnnotationOnly(*index.Resolve(&shapes[subschema.index]));
        (annotation ? annotations : kept).push_back(subschema);
      }
    };
    std::vector<Subschema> added, added_annotations, deleted, deleted_annotations;
    split(diff.all_of.added, diff.revision->all_of, true, added, added_annotations);
    split(diff.all_of.deleted, diff.base->all_of, false, deleted, deleted_annotations);
    if (!added.empty()) Emit("all-of-added", property, Labels(added), diff);
    if (!added_annotations.empty()) Emit("all-of-added-annotation-only", property, Labels(added_annotations), diff);
    if (!deleted.empty()) Emit("all-of-removed", property, Labels(deleted), diff);
    if (!deleted_annotations.empty())
      Emit("all-of-removed-annotation-only", property, Labels(deleted_annotations), diff);
    if (!diff.any_of.added.empty()) Emit("any-of-added", property, Labels(diff.any_of.added), diff);
    if (!diff.any_of.deleted.empty()) Emit("any-of-removed", property, Labels(diff.any_of.deleted), diff);
    if (!diff.one_of.added.empty()) Emit("one-of-added", property, Labels(diff.one_of.added), diff);
    if (!diff.one_of.deleted.empty()) Emit("one-of-removed", property, Labels(diff.one_of.deleted), diff);
    if (!diff.prefix_items.added.empty()) Emit("prefix-items-added", property, Labels(diff.prefix_items.added), diff);
    if (!diff.prefix_items.deleted.empty())
      Emit("prefix-items-removed", property, Labels(diff.prefix_items.deleted), diff);
    for (const auto& pattern : diff.pattern_properties.added) Emit("pattern-property-added", property, pattern, diff);
    for (const auto& pattern : diff.pattern_properties.deleted) Emit("pattern-property-removed", property, pattern, diff);
    for (const auto& name : diff.dependent_schemas.added) Emit("dependent-schema-added", property, name, diff);
    for (const auto& name : diff.dependent_schemas.deleted) Emit("dependent-schema-removed", property, name, diff);
    auto presence = [&](const SchemaDiffPtr& child, const std::string& keyword) {
      if (!child) return;
      if (child->added) Emit(keyword + "-added", property, "", diff);
      if (child->deleted) Emit(keyword + "-removed", property, "", diff);
    };
    presence(diff.contains, "contains");
    presence(diff.property_names, "property-names");
    presence(diff.unevaluated_items, "unevaluated-items");
    presence(diff.unevaluated_properties, "unevaluated-properties");
    presence(diff.if_shape, "if");
    presence(diff.then_shape, "then");
    presence(diff.else_shape, "else");
    presence(diff.content_schema, "content-schema");
  }

  void ValueChanges(const SchemaDiff& diff, const std::string& property, const SchemaDiff& node) {
    const Shape& base = *diff.base;
    const Shape& revision = *diff.revision;
    auto value_change = [&](const std::string& from, const std::string& to, const std::string& keyword) {
      if (from == to) return;
      if (from.empty()) Emit(keyword + "-added", property, ValueText(to), node);
      else if (to.empty()) Emit(keyword + "-removed", property, ValueText(from), node);
      else Emit(keyword + "-changed", property, "from " + ValueText(from) + " to " + ValueText(to), node);
    };
    value_change(base.default_value, revision.default_value, "default-value");
    value_change(base.const_value, revision.const_value, "const");
    if (base.content_media_type != revision.content_media_type)
      Emit("content-media-type-changed", property,
           "from " + Quote(base.content_media_type) + " to " + Quote(revision.content_media_type), node);
    if (base.content_encoding != revision.content_encoding)
      Emit("content-encoding-changed", property,
           "from " + Quote(base.content_encoding) + " to " + Quote(revision.content_encoding), node);
    for (const auto& [name, names] : revision.dependent_required) {
      const auto before = base.dependent_required.find(name);
      if (before == base.dependent_required.end())
        Emit("dependent-required-added", property, name + " requires " + Join(names), node);
      else if (std::set<std::string>(before->second.begin(), before->second.end()) !=
               std::set<std::string>(names.begin(), names.end()))
        Emit("dependent-required-changed", property,
             name + " required " + Join(before->second) + ", now " + Join(names), node);
    }
    for (const auto& [name, names] : base.dependent_required)
      if (!revision.dependent_required.count(name))
        Emit("dependent-required-removed", property, name + " required " + Join(names), node);
    auto contains_bound = [&](const std::optional<uint64_t>& from, const std::optional<uint64_t>& to,
                              const std::string& keyword) {
      if (!from || !to || *from == *to) return;
      Emit(keyword + (*to > *from ? "-increased" : "-decreased"), property,
           "from " + Text(from) + " to " + Text(to), node);
    };
    contains_bound(base.min_contains, revision.min_contains, "min-contains");
    contains_bound(base.max_contains, revision.max_contains, "max-contains");
  }

  // Bounds: on the request side, a bound set or tightened may refuse what clients send; on the
  // response side, one relaxed or dropped may send clients what they do not expect.
  void Bounds(const SchemaDiff& diff, const std::string& property, const SchemaDiff& node) {
    const Shape& base = *diff.base;
    const Shape& revision = *diff.revision;
    const bool body = property.empty();
    const bool read_only = !body && revision.read_only;
    const bool write_only = !body && revision.write_only;
    auto change = [](const auto& from, const auto& to) {
      return "from " + Text(from) + " to " + Text(to);
    };
    // maximum, minimum, maxLength, minLength, minItems, maxItems
    auto numeric = [&](const std::optional<double>& from, const std::optional<double>& to, const std::string& keyword,
                       bool upper) {
      if (from && to && *from != *to) {
        const bool increased = *to > *from;
        if (request_) {
          const bool tightened = upper ? !increased : increased;
          std::string id = keyword + (increased ? "-increased" : "-decreased");
          if (tightened && read_only)
            return context_.Emit("request-read-only-property-" + id, scope_, Of(property) + ": " + change(from, to),
                                 diff.base->location, diff.revision->location, &node);
          Emit(id, property, change(from, to), node);
        } else if (!write_only && (upper ? increased : !increased)) {
          Emit(keyword + (increased ? "-increased" : "-decreased"), property, change(from, to), node);
        }
      } else if (!from && to && request_ && !read_only) {
        Emit(keyword + "-set", property, "to " + Text(to), node);
      }
    };
    numeric(base.maximum, revision.maximum, "max", true);
    numeric(base.minimum, revision.minimum, "min", false);
    const ExclusiveBound from_max = ExclusiveMaximum(base), to_max = ExclusiveMaximum(revision);
    const ExclusiveBound from_min = ExclusiveMinimum(base), to_min = ExclusiveMinimum(revision);
    auto exclusive = [&](const ExclusiveBound& from, const ExclusiveBound& to, const std::string& keyword, bool upper) {
      if (!Differs(from, to)) return;
      const std::string detail = "from " + (from.present ? BoundText(from) : "none") + " to " +
                                 (to.present ? BoundText(to) : "none");
      if (from.present && to.present) {
        const bool increased = from.numeric && to.numeric && to.value > from.value;
        const bool decreased = from.numeric && to.numeric && to.value < from.value;
        if (request_) {
          // oasdiff reads any change that is not a decrease of a maximum (an increase of a
          // minimum) as its opposite.
          const bool tightened = upper ? decreased : increased;
          const std::string id = keyword + (upper ? (decreased ? "-decreased" : "-increased")
                                                  : (increased ? "-increased" : "-decreased"));
          if (tightened && read_only)
            return context_.Emit("request-read-only-property-" + id, scope_, Of(property) + ": " + detail,
                                 diff.base->location, diff.revision->location, &node);
          Emit(id, property, detail, node);
        } else if (!write_only && (upper ? increased : decreased)) {
          Emit(keyword + (upper ? "-increased" : "-decreased"), property, detail, node);
        }
      } else if (!from.present && to.present && request_ && !read_only) {
        Emit(keyword + "-set", property, "to " + BoundText(to), node);
      }
    };
    exclusive(from_max, to_max, "exclusive-max", true);
    exclusive(from_min, to_min, "exclusive-min", false);

    // maxLength
    if (base.max_length && revision.max_length && *base.max_length != *revision.max_length) {
      const bool decreased = *revision.max_length < *base.max_length;
      if (request_) {
        if (decreased && read_only)
          context_.Emit("request-read-only-property-max-length-decreased", scope_,
                        Of(property) + ": " + change(base.max_length, revision.max_length), base.location,
                        revision.location, &node);
        else
          Emit(decreased ? "max-length-decreased" : "max-length-increased", property,
               change(base.max_length, revision.max_length), node);
      } else if (!decreased && !write_only) {
        Emit("max-length-increased", property, change(base.max_length, revision.max_length), node);
      }
    } else if (!base.max_length && revision.max_length && request_ && !read_only) {
      Emit("max-length-set", property, "to " + Text(revision.max_length), node);
    } else if (base.max_length && !revision.max_length && !request_ && !write_only) {
      Emit("max-length-unset", property, "was " + Text(base.max_length), node);
    }
    // minLength
    if (base.min_length && revision.min_length && *base.min_length != *revision.min_length) {
      const bool increased = *revision.min_length > *base.min_length;
      if (request_) Emit(increased ? "min-length-increased" : "min-length-decreased", property,
                         change(base.min_length, revision.min_length), node);
      else if (!increased && !write_only)
        Emit("min-length-decreased", property, change(base.min_length, revision.min_length), node);
    }
    // minItems
    if (base.min_items && revision.min_items && *base.min_items != *revision.min_items) {
      const bool increased = *revision.min_items > *base.min_items;
      if (request_ && increased && !read_only)
        Emit("min-items-increased", property, change(base.min_items, revision.min_items), node);
      else if (!request_ && !increased && !write_only)
        Emit("min-items-decreased", property, change(base.min_items, revision.min_items), node);
    } else if (!base.min_items && revision.min_items && request_ && !read_only) {
      Emit("min-items-set", property, "to " + Text(revision.min_items), node);
    } else if (base.min_items && !revision.min_items && !request_ && !write_only) {
      Emit("min-items-unset", property, "was " + Text(base.min_items), node);
    }
  }

  void Pattern(const SchemaDiff& diff, const std::string& property) {
    const std::string& from = diff.base->pattern;
    const std::string& to = diff.revision->pattern;
    if (from == to) return;
    if (request_) {
      if (to.empty()) Prop("pattern-removed", property, from, diff);
      else if (from.empty()) Prop("pattern-added", property, to, diff);
      else Prop(to == ".*" ? "pattern-generalized" : "pattern-changed", property, "from " + from + " to " + to, diff);
    } else {
      if (to.empty()) Prop("pattern-removed", property, from, diff);
      else if (from.empty()) Prop("pattern-added", property, to, diff);
      else Prop("pattern-changed", property, "from " + from + " to " + to, diff);
    }
  }

  void ListOfTypes(const SchemaDiff& diff, const std::string& property, const SchemaDiff& node) {
    if (!diff.HasListOfTypes()) return;
    const bool narrowed = request_ ? !diff.list_of_types_deleted.empty() : diff.list_of_types_added.empty();
    const auto& types = narrowed ? diff.list_of_types_deleted : diff.list_of_types_added;
    Emit(narrowed ? "list-of-types-narrowed" : "list-of-types-widened", property, Join(types), node);
  }

  void Stability(const SchemaDiff& diff, const std::string& property) {
    if (diff.base->extensions == diff.revision->extensions) return;
    const auto from = CheckContext::Stability(diff.base->extensions);
    const auto to = CheckContext::Stability(diff.revision->extensions);
    if (!from || !to) {
      context_.Emit("api-invalid-stability-level", scope_,
                    Of(property) + ": x-stability-level is not draft, alpha, beta or stable",
                    Location(diff.base, media_.base), Location(diff.revision, media_.revision));
      return;
    }
    const std::string base_label = from->empty() ? "stable" : *from;
    const std::string revision_label = to->empty() ? "stable" : *to;
    static const std::vector<std::string> kOrder = {"draft", "alpha", "beta", "stable"};
    const auto rank = [](const std::string& label) {
      return std::find(kOrder.begin(), kOrder.end(), label) - kOrder.begin();
    };
    if (rank(base_label) == rank(revision_label) || !context_.StabilityIncluded(base_label)) return;
    Prop(rank(revision_label) < rank(base_label) ? "stability-decreased" : "stability-increased", property,
         "from " + base_label + " to " + revision_label, diff);
  }

  void Deprecation(const SchemaDiff& diff, const std::string& property) {
    if (diff.base->deprecated == diff.revision->deprecated) return;
    if (!diff.revision->deprecated) return Prop("reactivated", property, "", diff);
    const auto stability = CheckContext::Stability(scope_.revision->extensions);
    if (!stability) return;
    const uint32_t days = context_.DeprecationDays(*stability);
    bool invalid = false;
    const auto sunset = CheckContext::Sunset(diff.revision->extensions, invalid);
    if (invalid) return Prop("deprecated-sunset-invalid", property, "", diff);
    if (!sunset) return Prop(days > 0 ? "deprecated-sunset-missing" : "deprecated", property, "", diff);
    if (*sunset - context_.Today() < static_cast<int64_t>(days))
      return Prop("sunset-date-too-small", property, "less than " + std::to_string(days) + " days away", diff);
    Prop("deprecated-with-sunset", property, "", diff);
  }

  // readOnly and writeOnly flipped on a property that stays.
  void Mutability(const std::string& name, const std::string& property, const SchemaDiff& diff,
                  const SchemaDiff& parent) {
    if (name.empty() || !Holder(parent, true, name)) return;
    const specs::Property* before = Holder(parent, false, name);
    const bool required = before && before->required;
    const Shape& base = *diff.base;
    const Shape& revision = *diff.revision;
    auto emit = [&](bool flag_now, const char* flag) {
      const std::string became = std::string(flag_now ? "became-" : "became-not-") + flag;
      if (request_) Property(std::string("request-") + (required ? "required" : "optional") + "-property-" + became,
                             property, "", diff, &diff);
      else Property(std::string("response-") + (required ? "required" : "optional") + "-property-" + became, property,
                    "", diff, &diff);
    };
    if (base.write_only != revision.write_only) emit(revision.write_only, "write-only");
    if (base.read_only != revision.read_only) emit(revision.read_only, "read-only");
  }

  // A property's requiredness changed (reported against the body's schema).
  void Required(const SchemaDiff& diff, const std::string& path, const SchemaDiff& root) {
    const Shape& base = *diff.base;
    const Shape& revision = *diff.revision;
    for (const specs::Property& after : revision.properties) {
      if (after.pattern) continue;
      const specs::Property* before = FindProperty(base, after.name);
      if (!before || before->required == after.required) continue;
      const Shape* shape = after.shape.empty() ? nullptr
                                               : context_.comparer().revision_index().Resolve(&after.shape.front());
      const Shape* base_shape = before->shape.empty() ? nullptr
                                                      : context_.comparer().base_index().Resolve(&before->shape.front());
      const std::string name = PropertyName(path, after.name);
      const SchemaDiff& claim = path.empty() ? root : (request_ ? root : diff);
      if (request_) {
        if (shape && shape->read_only) continue;
        if (after.required)
          Property(shape && !shape->default_value.empty() ? "request-property-became-required-with-default"
                                                          : "request-property-became-required",
                   name, "", diff, &root);
        else
          Property("request-property-became-optional", name, "", diff, &root);
      } else {
        const bool write_only = path.empty() ? (shape && shape->write_only) : (base_shape && base_shape->write_only);
        if (after.required)
          Property(write_only ? "response-write-only-property-became-required" : "response-property-became-required",
                   name, "", diff, &claim);
        else
          Property(write_only ? "response-write-only-property-became-optional" : "response-property-became-optional",
                   name, "", diff, &claim);
      }
    }
  }

  void AddedAndRemoved(const SchemaDiff& root) {
    SchemaComparer& comparer = context_.comparer();
    auto moved = [](const SchemaDiff& parent, const std::string& name) {
      return std::find(parent.one_of_wrapped_properties.begin(), parent.one_of_wrapped_properties.end(), name) !=
             parent.one_of_wrapped_properties.end();
    };
    auto location = [](const SchemaDiff& parent, bool revision, const std::string& name) {
      const specs::Property* property = Holder(parent, revision, name);
      return property ? property->location : SourceLocation{};
    };
    WalkDeleted(comparer, root, [&](const std::string& path, const std::string& name, const Shape& shape,
                                    const SchemaDiff& parent) {
      if (moved(parent, name)) return;
      const specs::Property* before = Holder(parent, false, name);
      const bool required = before && before->required;
      std::string id;
      if (request_) {
        if (shape.read_only) return;
        id = "request-property-removed";
      } else if (required) {
        id = shape.write_only ? "response-required-write-only-property-removed" : "response-required-property-removed";
      } else {
        id = shape.write_only ? "response-optional-write-only-property-removed" : "response-optional-property-removed";
      }
      context_.Emit(id, scope_, Of(PropertyName(path, name)), location(parent, false, name), {}, &parent);
    });
    WalkAdded(comparer, root, [&](const std::string& path, const std::string& name, const Shape& shape,
                                  const SchemaDiff& parent) {
      const specs::Property* after = Holder(parent, true, name);
      const bool required = after && after->required;
      std::string id;
      if (request_) {
        if (shape.read_only) return;
        id = !required                         ? "new-optional-request-property"
             : shape.default_value.empty() ? "new-required-request-property"
                                               : "new-required-request-property-with-default";
      } else if (required) {
        id = shape.write_only ? "response-required-write-only-property-added" : "response-required-property-added";
      } else {
        id = shape.write_only ? "response-optional-write-only-property-added" : "response-optional-property-added";
      }
      context_.Emit(id, scope_, Of(PropertyName(path, name)), {}, location(parent, true, name), &parent);
    });
  }

  CheckContext& context_;
  const Scope& scope_;
  const MediaPair& media_;
  const std::string status_;
  const bool request_;
  const std::string prefix_;
};

bool StabilityKept(CheckContext& context, const Operation& revision) {
  const auto stability = CheckContext::Stability(revision.extensions);
  return !stability || context.StabilityIncluded(*stability);
}

}  // namespace

void CheckRequestBodies(CheckContext& context) {
  for (const ResourcePair& resource : context.diff().resources.matched) {
    for (const OperationPair& operation : resource.operations_matched) {
      if (!StabilityKept(context, *operation.revision)) continue;
      const Scope scope = context.ScopeOf(resource.path, *operation.revision, operation.base, operation.revision);
      for (const MediaPair& media : operation.body.matched)
        if (media.schema && media.schema->both()) BodyChecks(context, scope, media, "").Run();
    }
  }
}

void CheckResponseBodies(CheckContext& context, const Scope& scope, const ResponsePair& response) {
  for (const MediaPair& media : response.content.matched)
    if (media.schema && media.schema->both()) BodyChecks(context, scope, media, response.status).Run();
}

}  // namespace agora::compat::internal
