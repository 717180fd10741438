// The checks of request parameters (path, query, header, cookie): added, removed, made required,
// deprecated, and every constraint of their shapes. A scalar parameter travels as text, so a
// type change reads as the loosely typed request side reads it.
#include "compat/checks.h"

namespace agora::compat::internal {
namespace {

std::string Named(const Parameter& parameter) { return parameter.in + " parameter " + Quote(parameter.name); }

template <typename T>
std::string Text(const std::optional<T>& value) {
  return value ? NumberText(static_cast<double>(*value)) : "none";
}

bool Numeric(const std::optional<double>& exclusive_value) { return exclusive_value.has_value(); }

class ParameterChecks {
 public:
  ParameterChecks(CheckContext& context, const Scope& scope) : context_(context), scope_(scope) {}

  void Added(const Parameter& parameter) {
    if (parameter.in == "path")
      return Emit("new-request-path-parameter", Named(parameter), {}, parameter.location);
    Emit(parameter.required ? "new-required-request-parameter" : "new-optional-request-parameter", Named(parameter), {},
         parameter.location);
  }

  void Removed(const Parameter& parameter) {
    const SourceLocation& at = parameter.location;
    if (!parameter.deprecated) return Emit("request-parameter-removed", Named(parameter), at, {});
    bool invalid = false;
    const auto sunset = CheckContext::Sunset(parameter.extensions, invalid);
    if (invalid) return Emit("request-parameter-sunset-parse", Named(parameter), at, {});
    if (!sunset) return Emit("request-parameter-removed-with-deprecation", Named(parameter), at, {});
    if (context_.Today() < *sunset) Emit("request-parameter-removed-before-sunset", Named(parameter), at, {});
  }

  void Matched(const ParameterPair& pair) {
    const Parameter& base = *pair.base;
    const Parameter& revision = *pair.revision;
    const std::string name = Named(revision);
    if (base.required != revision.required)
      Emit(revision.required ? "request-parameter-became-required" : "request-parameter-became-optional", name);
    Deprecation(pair);
    Sunset(pair);
    const SchemaDiff* schema = pair.schema.get();
    if (!schema || !schema->both()) return;
    const Shape& from = *schema->base;
    const Shape& to = *schema->revision;
    if (from.enum_values.empty() && !to.enum_values.empty()) {
      Emit("request-parameter-became-enum", name, schema);
      if (revision.in == "header") Emit("request-header-property-became-enum", name, schema);
    }
    if (const int nullability = NullabilityChange(*schema))
      Emit(nullability > 0 ? "request-parameter-became-nullable" : "request-parameter-became-not-nullable", name, schema);
    Enum(from, to, name, "request-parameter-enum-value", schema);
    if (schema->HasListOfTypes()) {
      const bool narrowed = !schema->list_of_types_deleted.empty();
      Emit(narrowed ? "request-parameter-list-of-types-narrowed" : "request-parameter-list-of-types-widened", name,
           schema);
    }
    Pattern(from, to, name, schema);
    for (const auto& value : RemovedExtensibleEnumValues(from, to))
      Emit("request-parameter-x-extensible-enum-value-removed", name + ": value " + value);
    if (!base.required && !revision.required && from.default_value != to.default_value) {
      if (from.default_value.empty())
        Emit("request-parameter-default-value-added", name + ": " + ValueText(to.default_value));
      else if (to.default_value.empty())
        Emit("request-parameter-default-value-removed", name + ": was " + ValueText(from.default_value));
      else
        Emit("request-parameter-default-value-changed",
             name + ": from " + ValueText(from.default_value) + " to " + ValueText(to.default_value));
    }
    Bounds(*schema, name);
    if (TypeOrFormatChanged(from, to)) {
      const bool breaking = TypeOrFormatBreaking(from, to, false) && !ScalarToExplodedArray(revision, from, to);
      Emit(breaking ? "request-parameter-type-changed" : "request-parameter-type-generalized",
           name + ": from " + TypeText(from) + " to " + TypeText(to), schema);
    }
    if (revision.in == "header") HeaderProperties(*schema, name);
    WalkModified(*schema, [&](const std::string& path, const std::string& property_name, const SchemaDiff& diff,
                              const SchemaDiff&) {
      if (!diff.both()) return;
      const std::string property = Quote(PropertyName(path, property_name)) + " of the " + name;
      const Shape& a = *diff.base;
      const Shape& b = *diff.revision;
      if (const int nullability = NullabilityChange(diff))
        Emit(nullability > 0 ? "request-parameter-property-became-nullable"
                             : "request-parameter-property-became-not-nullable",
             property, &diff);
      Enum(a, b, property, "request-parameter-property-enum-value", &diff);
      if (diff.HasListOfTypes())
        Emit(!diff.list_of_types_deleted.empty() ? "request-parameter-property-list-of-types-narrowed"
                                                 : "request-parameter-property-list-of-types-widened",
             property, &diff);
      if (TypeOrFormatChanged(a, b)) {
        // An object parameter's serialisation is not known: when the strongly and the loosely
        // typed readings disagree, the change may break.
        const bool strongly = TypeOrFormatBreaking(a, b, true);
        const bool loosely = TypeOrFormatBreaking(a, b, false);
        Emit(strongly != loosely ? "request-parameter-property-type-changed"
             : strongly          ? "request-parameter-property-type-specialized"
                                 : "request-parameter-property-type-generalized",
             property + ": from " + TypeText(a) + " to " + TypeText(b), &diff);
      }
    });
  }

 private:
  void Emit(std::string_view id, const std::string& detail, const SchemaDiff* node = nullptr) {
    context_.Emit(id, scope_, detail, Location(true), Location(false), node);
  }
  void Emit(std::string_view id, const std::string& detail, const SourceLocation& base, const SourceLocation& revision) {
    context_.Emit(id, scope_, detail, base, revision);
  }
  SourceLocation Location(bool base) const {
    const Parameter* parameter = base ? current_base_ : current_revision_;
    return parameter ? parameter->location : SourceLocation{};
  }

 public:
  void Set(const ParameterPair& pair) {
    current_base_ = pair.base;
    current_revision_ = pair.revision;
  }

 private:
  void Enum(const Shape& from, const Shape& to, const std::string& name, const std::string& id, const SchemaDiff* node) {
    for (const auto& value : from.enum_values)
      if (std::find(to.enum_values.begin(), to.enum_values.end(), value) == to.enum_values.end())
        Emit(id + "-removed", name + ": value " + ValueText(value), node);
    for (const auto& value : to.enum_values)
      if (std::find(from.enum_values.begin(), from.enum_values.end(), value) == from.enum_values.end())
        Emit(id + "-added", name + ": value " + ValueText(value), node);
  }

  void Pattern(const Shape& from, const Shape& to, const std::string& name, const SchemaDiff* node) {
    if (from.pattern == to.pattern) return;
    if (from.pattern.empty()) Emit("request-parameter-pattern-added", name + ": " + to.pattern, node);
    else if (to.pattern.empty()) Emit("request-parameter-pattern-removed", name + ": " + from.pattern, node);
    else Emit(to.pattern == ".*" ? "request-parameter-pattern-generalized" : "request-parameter-pattern-changed",
              name + ": from " + from.pattern + " to " + to.pattern, node);
  }

  void Bounds(const SchemaDiff& schema, const std::string& name) {
    const Shape& from = *schema.base;
    const Shape& to = *schema.revision;
    auto change = [](const auto& a, const auto& b) { return ": from " + Text(a) + " to " + Text(b); };
    // maxItems also counts when it is the items' own (a parameter that is an array of arrays)
    auto max_items_from = from.max_items, max_items_to = to.max_items;
    if (from.max_items == to.max_items && schema.items && schema.items->both()) {
      max_items_from = schema.items->base->max_items;
      max_items_to = schema.items->revision->max_items;
    }
    if (max_items_from && max_items_to && *max_items_from != *max_items_to)
      Emit(*max_items_to > *max_items_from ? "request-parameter-max-items-increased"
                                           : "request-parameter-max-items-decreased",
           name + change(max_items_from, max_items_to));
    if (from.max_length != to.max_length) {
      if (!from.max_length) Emit("request-parameter-max-length-set", name + ": to " + Text(to.max_length));
      else if (to.max_length)
        Emit(*to.max_length < *from.max_length ? "request-parameter-max-length-decreased"
                                               : "request-parameter-max-length-increased",
             name + change(from.max_length, to.max_length));
    }
    if (from.min_items != to.min_items) {
      if (!from.min_items) Emit("request-parameter-min-items-set", name + ": to " + Text(to.min_items));
      else if (to.min_items)
        Emit(*to.min_items > *from.min_items ? "request-parameter-min-items-increased"
                                             : "request-parameter-min-items-decreased",
             name + change(from.min_items, to.min_items));
    }
    if (from.min_length && to.min_length && *from.min_length != *to.min_length)
      Emit(*to.min_length > *from.min_length ? "request-parameter-min-length-increased"
                                             : "request-parameter-min-length-decreased",
           name + change(from.min_length, to.min_length));
    auto bound = [&](const std::optional<double>& a, const std::optional<double>& b, const std::string& keyword,
                     bool upper) {
      if (a == b) return;
      if (!a && b) return Emit("request-parameter-" + keyword + "-set", name + ": to " + Text(b));
      if (!a || !b) return;
      const bool tightened = upper ? *b < *a : *b > *a;
      const std::string direction = upper ? (tightened ? "-decreased" : "-increased") : (tightened ? "-increased" : "-decreased");
      Emit("request-parameter-" + keyword + direction, name + change(a, b));
    };
    bound(from.maximum, to.maximum, "max", true);
    bound(from.minimum, to.minimum, "min", false);
    // The exclusive bounds: OAS 3.1 numbers, or the OAS 3.0 flags (set, never compared).
    auto exclusive = [&](bool flag_a, const std::optional<double>& a, bool flag_b, const std::optional<double>& b,
                         const std::string& keyword, bool upper) {
      const bool present_a = flag_a || Numeric(a), present_b = flag_b || Numeric(b);
      if (!present_a && present_b)
        return Emit("request-parameter-" + keyword + "-set", name + (b ? ": to " + Text(b) : ""));
      if (!present_a || !present_b || (a == b && flag_a == flag_b)) return;
      const bool tightened = a && b && (upper ? *b < *a : *b > *a);
      const std::string direction = upper ? (tightened ? "-decreased" : "-increased") : (tightened ? "-increased" : "-decreased");
      Emit("request-parameter-" + keyword + direction, name + change(a, b));
    };
    exclusive(from.exclusive_maximum && !from.exclusive_maximum_value, from.exclusive_maximum_value,
              to.exclusive_maximum && !to.exclusive_maximum_value, to.exclusive_maximum_value, "exclusive-max", true);
    exclusive(from.exclusive_minimum && !from.exclusive_minimum_value, from.exclusive_minimum_value,
              to.exclusive_minimum && !to.exclusive_minimum_value, to.exclusive_minimum_value, "exclusive-min", false);
  }

  // An object header parameter's properties (a header given as JSON).
  void HeaderProperties(const SchemaDiff& schema, const std::string& name) {
    // Properties newly required (at the parameter's top level, only those it already had).
    auto became_required = [&](const SchemaDiff& node, const std::string& path, bool need_base_property) {
      for (const specs::Property& after : node.revision->properties) {
        if (after.pattern || !after.required) continue;
        const specs::Property* before = FindProperty(*node.base, after.name);
        if ((before && before->required) || (need_base_property && !before)) continue;
        const Shape* shape = after.shape.empty() ? nullptr
                                                 : context_.comparer().revision_index().Resolve(&after.shape.front());
        if (shape && shape->read_only) continue;
        Emit("request-header-property-became-required", name + ": " + Quote(PropertyName(path, after.name)));
      }
    };
    became_required(schema, "", true);
    WalkModified(schema, [&](const std::string& path, const std::string& property, const SchemaDiff& diff,
                             const SchemaDiff&) {
      if (!diff.both()) return;
      if (diff.base->enum_values.empty() && !diff.revision->enum_values.empty())
        Emit("request-header-property-became-enum", name + ": " + Quote(PropertyName(path, property)));
      became_required(diff, PropertyName(path, property), false);
    });
    WalkAdded(context_.comparer(), schema, [&](const std::string& path, const std::string& property,
                                               const Shape& shape, const SchemaDiff& parent) {
      const specs::Property* added = FindProperty(*parent.revision, property);
      if (shape.read_only || !added || !added->required) return;
      Emit("new-required-request-header-property", name + ": " + Quote(PropertyName(path, property)));
    });
  }

  void Deprecation(const ParameterPair& pair) {
    const Parameter& base = *pair.base;
    const Parameter& revision = *pair.revision;
    if (base.deprecated == revision.deprecated) return;
    const std::string name = Named(revision);
    if (!revision.deprecated) return Emit("request-parameter-reactivated", name);
    const auto stability = CheckContext::Stability(scope_.revision->extensions);
    if (!stability) return;
    const uint32_t days = context_.DeprecationDays(*stability);
    bool invalid = false;
    const auto sunset = CheckContext::Sunset(revision.extensions, invalid);
    if (invalid) return Emit("request-parameter-sunset-parse", name);
    if (!sunset) return Emit(days > 0 ? "request-parameter-deprecated-sunset-missing" : "request-parameter-deprecated", name);
    if (*sunset - context_.Today() < static_cast<int64_t>(days))
      return Emit("request-parameter-sunset-date-too-small", name + ": sunset less than " + std::to_string(days) + " days away");
    Emit("request-parameter-deprecated", name);
  }

  void Sunset(const ParameterPair& pair) {
    const Parameter& base = *pair.base;
    const Parameter& revision = *pair.revision;
    if (!revision.deprecated || base.extensions == revision.extensions) return;
    const bool had = base.extensions.count("x-sunset"), has = revision.extensions.count("x-sunset");
    if (had && !has) return Emit("request-parameter-sunset-deleted", Named(revision));
    if (!had || !has || base.extensions.at("x-sunset") == revision.extensions.at("x-sunset")) return;
    bool invalid = false;
    const auto to = CheckContext::Sunset(revision.extensions, invalid);
    if (invalid) return Emit("request-parameter-sunset-parse", Named(revision) + ": the new sunset is not a date");
    const auto from = CheckContext::Sunset(base.extensions, invalid);
    if (invalid) return Emit("request-parameter-sunset-parse", Named(revision) + ": the old sunset is not a date");
    const auto stability = CheckContext::Stability(scope_.revision->extensions);
    if (!to || !from || !stability) return;
    const uint32_t days = context_.DeprecationDays(*stability);
    if (*from > *to && *to - context_.Today() < static_cast<int64_t>(days))
      Emit("request-parameter-sunset-date-changed-too-small", Named(revision));
  }

  // A scalar query parameter that became an array sent as repeated values (form, exploded)
  // accepts what it accepted before.
  bool ScalarToExplodedArray(const Parameter& revision, const Shape& from, const Shape& to) {
    const auto before = TypesOf(from), after = TypesOf(to);
    const bool array_added = std::find(after.begin(), after.end(), "array") != after.end() &&
                             std::find(before.begin(), before.end(), "array") == before.end() && after.size() == 1;
    if (before.empty() || !array_added || to.items.empty()) return false;
    const bool form = revision.style.empty() ? (revision.in == "query" || revision.in == "cookie") : revision.style == "form";
    if (!form || !revision.explode.value_or(true)) return false;
    const Shape& item = *context_.comparer().revision_index().Resolve(&to.items.front());
    // The items accept the scalars (read as text, as a query value is).
    const auto item_types = TypesOf(item);
    const bool contained = (item_types.size() == 1 && before.size() == 1 &&
                            (item_types[0] == before[0] || (before[0] == "integer" && item_types[0] == "number"))) ||
                           item_types.empty() || item_types == std::vector<std::string>{"string"};
    if (!contained) return false;
    Shape a = from, b = item;
    a.type.clear();
    b.type.clear();
    a.type_array.clear();
    b.type_array.clear();
    a.nullable = b.nullable = false;
    return context_.comparer().ValidationEquivalent(&a, &b);
  }

  CheckContext& context_;
  const Scope& scope_;
  const Parameter* current_base_ = nullptr;
  const Parameter* current_revision_ = nullptr;
};

bool Kept(const CheckContext& context, const Operation& revision) {
  const auto stability = CheckContext::Stability(revision.extensions);
  return !stability || context.StabilityIncluded(*stability);
}

}  // namespace

void CheckParameters(CheckContext& context) {
  for (const ResourcePair& resource : context.diff().resources.matched) {
    for (const OperationPair& operation : resource.operations_matched) {
      if (!Kept(context, *operation.revision)) continue;
      const Scope scope = context.ScopeOf(resource.path, *operation.revision, operation.base, operation.revision);
      ParameterChecks checks(context, scope);
      for (const Parameter* parameter : operation.parameters.added) checks.Added(*parameter);
      for (const Parameter* parameter : operation.parameters.deleted) checks.Removed(*parameter);
      for (const ParameterPair& pair : operation.parameters.matched) {
        checks.Set(pair);
        checks.Matched(pair);
      }
    }
    // A parameter added to the path item applies to every operation of the path.
    if (!resource.revision) continue;
    for (const Parameter* parameter : resource.path_parameters.added) {
      if (parameter->in == "path") continue;
      for (const Operation& operation : resource.revision->operations) {
        const Scope scope = context.ScopeOf(resource.path, operation, nullptr, &operation);
        context.Emit(parameter->required ? "new-required-request-default-parameter-to-existing-path"
                                         : "new-optional-request-default-parameter-to-existing-path",
                     scope, Named(*parameter), {}, parameter->location);
      }
    }
  }
}

}  // namespace agora::compat::internal
