#include "compat/schema_diff.h"

#include <algorithm>

namespace agora::compat::internal {
namespace {

constexpr int kMaxReferenceChain = 64;

// The annotations of a shape: what it says about instances without constraining them.
Shape WithoutAnnotations(Shape shape) {
  shape.name.clear();
  shape.display_name.clear();
  shape.description.clear();
  shape.examples.clear();
  shape.default_value.clear();
  shape.location = {};
  shape.deprecated = false;
  shape.extensions.clear();
  if (shape.type == "any") shape.type.clear();  // what a schema without a type accepts
  return shape;
}

bool IsNullType(const std::string& type) { return type == "null" || type == "nil"; }

// A reference whose own fields only annotate it, so it is the referenced type.
bool PureReference(const Shape& shape) {
  Shape bare = WithoutAnnotations(shape);
  bare.ref.clear();
  return bare == Shape{};
}

template <typename T>
void Overlay(T& into, const T& from) {
  if (from != T{}) into = from;
}

// The referenced type `target` with the constraints `own` adds (RAML `type: Person` with facets,
// OAS 3.1 $ref siblings): own properties replace or join the target's, other set fields win.
Shape Merge(const Shape& target, const Shape& own) {
  Shape merged = target;
  merged.ref.clear();
  for (const Property& property : own.properties) {
    auto same = std::find_if(merged.properties.begin(), merged.properties.end(),
                             [&](const Property& p) { return p.name == property.name && p.pattern == property.pattern; });
    if (same == merged.properties.end()) merged.properties.push_back(property);
    else *same = property;
  }
  Overlay(merged.type, own.type);
  Overlay(merged.display_name, own.display_name);
  Overlay(merged.description, own.description);
  Overlay(merged.format, own.format);
  Overlay(merged.pattern, own.pattern);
  Overlay(merged.enum_values, own.enum_values);
  Overlay(merged.min_length, own.min_length);
  Overlay(merged.max_length, own.max_length);
  Overlay(merged.minimum, own.minimum);
  Overlay(merged.maximum, own.maximum);
  Overlay(merged.multiple_of, own.multiple_of);
  merged.exclusive_minimum |= own.exclusive_minimum;
  merged.exclusive_maximum |= own.exclusive_maximum;
  Overlay(merged.min_items, own.min_items);
  Overlay(merged.max_items, own.max_items);
  merged.unique_items |= own.unique_items;
  Overlay(merged.min_properties, own.min_properties);
  Overlay(merged.max_properties, own.max_properties);
  Overlay(merged.file_types, own.file_types);
  merged.nullable |= own.nullable;
  merged.read_only |= own.read_only;
  merged.write_only |= own.write_only;
  merged.deprecated |= own.deprecated;
  merged.additional_properties &= own.additional_properties;
  Overlay(merged.additional_properties_shape, own.additional_properties_shape);
  Overlay(merged.items, own.items);
  merged.all_of.insert(merged.all_of.end(), own.all_of.begin(), own.all_of.end());
  Overlay(merged.any_of, own.any_of);
  Overlay(merged.one_of, own.one_of);
  Overlay(merged.not_of, own.not_of);
  Overlay(merged.discriminator, own.discriminator);
  Overlay(merged.discriminator_map, own.discriminator_map);
  Overlay(merged.default_value, own.default_value);
  for (const auto& [name, value] : own.facets) merged.facets[name] = value;
  Overlay(merged.type_array, own.type_array);
  Overlay(merged.exclusive_minimum_value, own.exclusive_minimum_value);
  Overlay(merged.exclusive_maximum_value, own.exclusive_maximum_value);
  Overlay(merged.const_value, own.const_value);
  Overlay(merged.prefix_items, own.prefix_items);
  Overlay(merged.contains, own.contains);
  Overlay(merged.min_contains, own.min_contains);
  Overlay(merged.max_contains, own.max_contains);
  Overlay(merged.property_names, own.property_names);
  Overlay(merged.dependent_schemas, own.dependent_schemas);
  Overlay(merged.dependent_required, own.dependent_required);
  Overlay(merged.if_shape, own.if_shape);
  Overlay(merged.then_shape, own.then_shape);
  Overlay(merged.else_shape, own.else_shape);
  merged.unevaluated_items &= own.unevaluated_items;
  merged.unevaluated_properties &= own.unevaluated_properties;
  Overlay(merged.content_media_type, own.content_media_type);
  Overlay(merged.content_encoding, own.content_encoding);
  Overlay(merged.content_schema, own.content_schema);
  for (const auto& [name, value] : own.extensions) merged.extensions[name] = value;
  if (own.location.known()) merged.location = own.location;
  return merged;
}

std::set<std::string> RequiredNames(const Shape& shape) {
  std::set<std::string> names;
  for (const Property& property : shape.properties)
    if (property.required && !property.pattern) names.insert(property.name);
  return names;
}

template <typename T>
bool SameSet(const std::vector<T>& a, const std::vector<T>& b) {
  return std::set<T>(a.begin(), a.end()) == std::set<T>(b.begin(), b.end());
}

const Shape* FirstOrNull(const std::vector<Shape>& shapes) { return shapes.empty() ? nullptr : &shapes.front(); }

std::string LastSegment(const std::string& reference) {
  const auto slash = reference.rfind('/');
  return slash == std::string::npos ? reference : reference.substr(slash + 1);
}

bool IsEmpty(const SchemaDiff& diff) {
  return !diff.added && !diff.deleted && !diff.circular && !diff.keywords_changed && diff.properties.empty() &&
         diff.pattern_properties.empty() && diff.dependent_schemas.empty() && diff.all_of.empty() &&
         diff.any_of.empty() && diff.one_of.empty() && diff.prefix_items.empty() && !diff.items &&
         !diff.additional_properties && !diff.not_of && !diff.contains && !diff.property_names &&
         !diff.unevaluated_items && !diff.unevaluated_properties && !diff.if_shape && !diff.then_shape &&
         !diff.else_shape && !diff.content_schema;
}

// A single type, or a oneOf/anyOf of alternatives that each name one scalar type ("list"), as
// the list-of-types transition reads a shape.
struct TypePattern {
  std::vector<std::string> types;
  bool list = false;
};

}  // namespace

// ---- ModelIndex ----

const Shape* ModelIndex::Target(const Shape* shape) const {
  if (shape->ref.empty()) return nullptr;
  const auto found = model_.types.find(shape->ref);
  return found == model_.types.end() ? nullptr : &found->second;
}

const Shape* ModelIndex::Resolve(const Shape* shape) {
  if (!shape) return nullptr;
  if (const auto found = resolved_.find(shape); found != resolved_.end()) return found->second;
  resolved_[shape] = shape;  // a reference cycle resolves to where it started
  const Shape* current = shape;
  for (int step = 0; step < kMaxReferenceChain && !current->ref.empty(); ++step) {
    const Shape* target = Target(current);
    if (!target || target == current) break;
    if (!PureReference(*current)) {
      const Shape* resolved_target = Resolve(target);
      merged_.push_back(Merge(*resolved_target, *current));
      current = &merged_.back();
      break;
    }
    current = target;
  }
  resolved_[shape] = current;
  return current;
}

std::string ModelIndex::ReferencedName(const Shape* shape) const { return shape ? shape->ref : ""; }

// ---- helpers ----

bool AnnotationOnly(const Shape& shape) {
  Shape bare = WithoutAnnotations(shape);
  return bare.ref.empty() && bare == Shape{};
}

const Property* FindProperty(const Shape& shape, const std::string& name) {
  for (const Property& property : shape.properties)
    if (!property.pattern && property.name == name) return &property;
  return nullptr;
}

std::vector<std::string> TypesOf(const Shape& shape) {
  if (!shape.type_array.empty()) return shape.type_array;
  if (shape.type.empty() || shape.type == "any" || shape.type == "union") return {};
  if (IsNullType(shape.type)) return {"null"};
  return {shape.type};
}

bool AcceptsNull(const Shape& shape) { return shape.nullable || IsNullType(shape.type); }

std::string Subschema::Label() const {
  if (!title.empty()) return "subschema #" + std::to_string(index + 1) + ": " + title;
  if (!component.empty()) return "#/components/schemas/" + component;
  return "subschema #" + std::to_string(index + 1);
}

std::string Labels(const std::vector<Subschema>& subschemas) {
  std::string labels;
  for (const Subschema& subschema : subschemas) labels += (labels.empty() ? "" : ", ") + subschema.Label();
  return labels;
}

bool SameKeywords(const Shape& a, const Shape& b) {
  return a.type == b.type && SameSet(a.type_array, b.type_array) && a.format == b.format && a.pattern == b.pattern &&
         SameSet(a.enum_values, b.enum_values) && (a.enum_values.empty() == b.enum_values.empty()) &&
         a.min_length == b.min_length && a.max_length == b.max_length && a.minimum == b.minimum &&
         a.maximum == b.maximum && a.multiple_of == b.multiple_of && a.exclusive_minimum == b.exclusive_minimum &&
         a.exclusive_maximum == b.exclusive_maximum && a.exclusive_minimum_value == b.exclusive_minimum_value &&
         a.exclusive_maximum_value == b.exclusive_maximum_value && a.min_items == b.min_items &&
         a.max_items == b.max_items && a.unique_items == b.unique_items && a.min_properties == b.min_properties &&
         a.max_properties == b.max_properties && a.file_types == b.file_types && a.nullable == b.nullable &&
         a.read_only == b.read_only && a.write_only == b.write_only && a.deprecated == b.deprecated &&
         a.additional_properties == b.additional_properties && a.discriminator == b.discriminator &&
         a.discriminator_map == b.discriminator_map && a.discriminator_value == b.discriminator_value &&
         a.default_value == b.default_value && a.facets == b.facets && a.schema_language == b.schema_language &&
         a.schema_text == b.schema_text && a.display_name == b.display_name && a.description == b.description &&
         a.const_value == b.const_value && a.min_contains == b.min_contains && a.max_contains == b.max_contains &&
         a.dependent_required == b.dependent_required && a.unevaluated_items == b.unevaluated_items &&
         a.unevaluated_properties == b.unevaluated_properties && a.content_media_type == b.content_media_type &&
         a.content_encoding == b.content_encoding && a.extensions == b.extensions &&
         RequiredNames(a) == RequiredNames(b);
}

// ---- SchemaComparer ----

SchemaDiffPtr SchemaComparer::Compare(const Shape* base, const Shape* revision) {
  if (!base && !revision) return nullptr;
  auto diff = std::make_shared<SchemaDiff>();
  if (!base || !revision) {
    diff->added = !base;
    diff->deleted = !revision;
    diff->base = base_.Resolve(base);
    diff->revision = revision_.Resolve(revision);
    return diff;
  }
  return CompareResolved(base_.Resolve(base), revision_.Resolve(revision), base_.ReferencedName(base),
                         revision_.ReferencedName(revision));
}

SchemaDiffPtr SchemaComparer::CompareResolved(const Shape* base, const Shape* revision, const std::string& base_ref,
                                              const std::string& revision_ref) {
  const bool base_visiting = !base_ref.empty() && visiting_base_.count(base_ref);
  const bool revision_visiting = !revision_ref.empty() && visiting_revision_.count(revision_ref);
  if (base_visiting && revision_visiting) return nullptr;  // the same recursion on both sides
  if (base_visiting != revision_visiting) {
    auto diff = std::make_shared<SchemaDiff>();
    diff->base = base;
    diff->revision = revision;
    diff->circular = true;
    return diff;
  }
  const auto key = std::make_pair(base, revision);
  if (const auto cached = cache_.find(key); cached != cache_.end()) return cached->second;

  if (!base_ref.empty()) visiting_base_.insert(base_ref);
  if (!revision_ref.empty()) visiting_revision_.insert(revision_ref);
  auto diff = std::make_shared<SchemaDiff>();
  diff->base = base;
  diff->revision = revision;
  diff->keywords_changed = !SameKeywords(*base, *revision);
  CompareChildren(*diff);
  if (!base_ref.empty()) visiting_base_.erase(visiting_base_.find(base_ref));
  if (!revision_ref.empty()) visiting_revision_.erase(visiting_revision_.find(revision_ref));

  SchemaDiffPtr result = IsEmpty(*diff) ? nullptr : std::move(diff);
  cache_[key] = result;
  return result;
}

SchemaDiffPtr SchemaComparer::CompareOptional(const std::vector<Shape>& base, const std::vector<Shape>& revision) {
  return Compare(FirstOrNull(base), FirstOrNull(revision));
}

void SchemaComparer::CompareChildren(SchemaDiff& diff) {
  const Shape& base = *diff.base;
  const Shape& revision = *diff.revision;
  diff.properties = CompareNamed(base.properties, revision.properties, false);
  diff.pattern_properties = CompareNamed(base.properties, revision.properties, true);
  diff.dependent_schemas = CompareNamed(base.dependent_schemas, revision.dependent_schemas, false);
  diff.items = CompareOptional(base.items, revision.items);
  diff.additional_properties = CompareOptional(base.additional_properties_shape, revision.additional_properties_shape);
  diff.not_of = CompareOptional(base.not_of, revision.not_of);
  diff.contains = CompareOptional(base.contains, revision.contains);
  diff.property_names = CompareOptional(base.property_names, revision.property_names);
  diff.unevaluated_items = CompareOptional(base.unevaluated_items_shape, revision.unevaluated_items_shape);
  diff.unevaluated_properties =
      CompareOptional(base.unevaluated_properties_shape, revision.unevaluated_properties_shape);
  diff.if_shape = CompareOptional(base.if_shape, revision.if_shape);
  diff.then_shape = CompareOptional(base.then_shape, revision.then_shape);
  diff.else_shape = CompareOptional(base.else_shape, revision.else_shape);
  diff.content_schema = CompareOptional(base.content_schema, revision.content_schema);
  const bool reconcile = options_.match_inline_refs;
  diff.all_of = CompareSubschemas(base.all_of, revision.all_of, reconcile);
  diff.any_of = CompareSubschemas(base.any_of, revision.any_of, reconcile);
  diff.one_of = CompareSubschemas(base.one_of, revision.one_of, reconcile);
  diff.prefix_items = CompareSubschemas(base.prefix_items, revision.prefix_items, reconcile);

  // The transitions that show as several raw changes.
  auto pattern = [](ModelIndex& index, const Shape& shape) -> std::optional<TypePattern> {
    if (!shape.not_of.empty() || !shape.all_of.empty() || !shape.properties.empty()) return std::nullopt;
    if (const auto types = TypesOf(shape); !types.empty()) return TypePattern{{types.front()}, false};
    for (const auto* alternatives : {&shape.one_of, &shape.any_of}) {
      if (alternatives->empty()) continue;
      TypePattern list{{}, true};
      for (const Shape& alternative : *alternatives) {
        const Shape& resolved = *index.Resolve(&alternative);
        const auto types = TypesOf(resolved);
        if (types.size() != 1 || !resolved.properties.empty() || !resolved.one_of.empty() ||
            !resolved.any_of.empty() || !resolved.all_of.empty())
          return std::nullopt;
        list.types.push_back(types.front());
      }
      return list;
    }
    return std::nullopt;
  };
  const auto base_pattern = pattern(base_, base);
  const auto revision_pattern = pattern(revision_, revision);
  if (base_pattern && revision_pattern && (base_pattern->list || revision_pattern->list)) {
    const std::set<std::string> from(base_pattern->types.begin(), base_pattern->types.end());
    const std::set<std::string> to(revision_pattern->types.begin(), revision_pattern->types.end());
    for (const auto& type : to)
      if (!from.count(type)) diff.list_of_types_added.push_back(type);
    for (const auto& type : from)
      if (!to.count(type)) diff.list_of_types_deleted.push_back(type);
  }

  if (base.one_of.empty() && !base.properties.empty() && !revision.one_of.empty() && revision.properties.empty() &&
      TypesOf(revision).empty()) {
    for (const Property& property : base.properties) {
      if (property.pattern) continue;
      for (const Shape& alternative : revision.one_of)
        if (FindProperty(*revision_.Resolve(&alternative), property.name)) {
          diff.one_of_wrapped_properties.push_back(property.name);
          break;
        }
    }
    std::sort(diff.one_of_wrapped_properties.begin(), diff.one_of_wrapped_properties.end());
  }

  auto nullable_wrap = [this](ModelIndex& plain_index, const Shape& plain, ModelIndex& wrapped_index,
                              const Shape& wrapped, bool plain_is_base) {
    if (!plain.one_of.empty() || !plain.any_of.empty() || !plain.all_of.empty() || !plain.not_of.empty()) return false;
    if (AcceptsNull(plain) || wrapped.one_of.size() != 2) return false;
    Shape rest = wrapped;
    rest.one_of.clear();
    if (!AnnotationOnly(rest)) return false;
    const Shape* payload = nullptr;
    int null_branches = 0;
    for (const Shape& alternative : wrapped.one_of) {
      Shape bare = WithoutAnnotations(*wrapped_index.Resolve(&alternative));
      if (IsNullType(bare.type) && bare.type_array.empty()) {
        bare.type.clear();
        bare.nullable = false;
        if (bare == Shape{}) {
          ++null_branches;
          continue;
        }
      }
      payload = &alternative;
    }
    if (null_branches != 1 || !payload) return false;
    (void)plain_index;
    return plain_is_base ? ValidationEquivalent(&plain, payload) : ValidationEquivalent(payload, &plain);
  };
  if (nullable_wrap(base_, base, revision_, revision, true)) diff.nullable_wrapping = 1;
  else if (nullable_wrap(revision_, revision, base_, base, false)) diff.nullable_wrapping = -1;
}

NamedDiff SchemaComparer::CompareNamed(const std::vector<Property>& base, const std::vector<Property>& revision,
                                       bool patterns) {
  NamedDiff diff;
  auto find = [patterns](const std::vector<Property>& properties, const std::string& name) -> const Property* {
    for (const Property& property : properties)
      if (property.pattern == patterns && property.name == name) return &property;
    return nullptr;
  };
  static const Shape kAny;
  auto shape_of = [](const Property& property) { return property.shape.empty() ? &kAny : &property.shape.front(); };
  for (const Property& property : base) {
    if (property.pattern != patterns) continue;
    if (const Property* other = find(revision, property.name)) {
      if (auto changed = Compare(shape_of(property), shape_of(*other)))
        diff.modified.emplace_back(property.name, std::move(changed));
    } else {
      diff.deleted.push_back(property.name);
    }
  }
  for (const Property& property : revision)
    if (property.pattern == patterns && !find(base, property.name)) diff.added.push_back(property.name);
  return diff;
}

SubschemasDiff SchemaComparer::CompareSubschemas(const std::vector<Shape>& base, const std::vector<Shape>& revision,
                                                 bool reconcile) {
  SubschemasDiff diff;
  if (base.empty() && revision.empty()) return diff;
  auto subschema = [](int index, const Shape& shape) {
    return Subschema{index, LastSegment(shape.ref), shape.display_name};
  };
  auto modified = [&](int base_index, int revision_index) {
    if (auto changed = Compare(&base[base_index], &revision[revision_index]))
      diff.modified.push_back({subschema(base_index, base[base_index]), subschema(revision_index, revision[revision_index]),
                               std::move(changed)});
  };

  // References pair up by the type they name.
  std::vector<bool> revision_taken(revision.size(), false);
  for (size_t i = 0; i < base.size(); ++i) {
    if (base[i].ref.empty()) continue;
    bool found = false;
    for (size_t j = 0; j < revision.size() && !found; ++j)
      if (!revision_taken[j] && revision[j].ref == base[i].ref) {
        revision_taken[j] = found = true;
        modified(static_cast<int>(i), static_cast<int>(j));
      }
    if (!found) diff.deleted.push_back(subschema(static_cast<int>(i), base[i]));
  }
  std::vector<bool> base_taken(base.size(), false);
  for (size_t j = 0; j < revision.size(); ++j) {
    if (revision[j].ref.empty()) continue;
    bool found = false;
    for (size_t i = 0; i < base.size() && !found; ++i)
      if (!base_taken[i] && base[i].ref == revision[j].ref) base_taken[i] = found = true;
    if (!found) diff.added.push_back(subschema(static_cast<int>(j), revision[j]));
  }

  // Inline alternatives: identical ones are unchanged, equal titles pair up, and a lone pair of
  // untitled ones is one alternative changed.
  auto not_contained = [this](const std::vector<Shape>& from, const std::vector<Shape>& in, bool from_is_base) {
    std::vector<int> indexes;
    std::vector<bool> matched(in.size(), false);
    for (size_t i = 0; i < from.size(); ++i) {
      if (!from[i].ref.empty()) continue;
      bool found = false;
      for (size_t j = 0; j < in.size() && !found; ++j) {
        if (!in[j].ref.empty() || matched[j]) continue;
        const bool same = from_is_base ? !Compare(&from[i], &in[j]) : !Compare(&in[j], &from[i]);
        if (same) matched[j] = found = true;
      }
      if (!found) indexes.push_back(static_cast<int>(i));
    }
    return indexes;
  };
  std::vector<int> added = not_contained(revision, base, false);
  std::vector<int> deleted = not_contained(base, revision, true);
  std::set<std::string> titles_matched;
  std::vector<int> added_left, deleted_used;
  for (int a : added) {
    const std::string& title = revision[a].display_name;
    bool paired = false;
    if (!title.empty() && !titles_matched.count(title)) {
      for (int d : deleted) {
        if (std::count(deleted_used.begin(), deleted_used.end(), d) || base[d].display_name != title) continue;
        modified(d, a);
        deleted_used.push_back(d);
        titles_matched.insert(title);
        paired = true;
        break;
      }
    }
    if (!paired) added_left.push_back(a);
  }
  std::vector<int> deleted_left;
  for (int d : deleted)
    if (!std::count(deleted_used.begin(), deleted_used.end(), d)) deleted_left.push_back(d);
  if (added_left.size() == 1 && deleted_left.size() == 1 && revision[added_left[0]].display_name.empty() &&
      base[deleted_left[0]].display_name.empty()) {
    modified(deleted_left[0], added_left[0]);
    added_left.clear();
    deleted_left.clear();
  }
  for (int a : added_left) diff.added.push_back(subschema(a, revision[a]));
  for (int d : deleted_left) diff.deleted.push_back(subschema(d, base[d]));

  // An alternative moved between inline and a reference, and otherwise the same, is unchanged.
  if (reconcile && !diff.added.empty() && !diff.deleted.empty()) {
    std::vector<bool> added_matched(diff.added.size(), false), deleted_matched(diff.deleted.size(), false);
    for (size_t d = 0; d < diff.deleted.size(); ++d) {
      const Shape& from = base[diff.deleted[d].index];
      for (size_t a = 0; a < diff.added.size(); ++a) {
        const Shape& to = revision[diff.added[a].index];
        if (added_matched[a] || from.ref.empty() == to.ref.empty() || !ValidationEquivalent(&from, &to)) continue;
        added_matched[a] = deleted_matched[d] = true;
        break;
      }
    }
    std::vector<Subschema> kept_added, kept_deleted;
    for (size_t a = 0; a < diff.added.size(); ++a)
      if (!added_matched[a]) kept_added.push_back(diff.added[a]);
    for (size_t d = 0; d < diff.deleted.size(); ++d)
      if (!deleted_matched[d]) kept_deleted.push_back(diff.deleted[d]);
    diff.added = std::move(kept_added);
    diff.deleted = std::move(kept_deleted);
  }
  return diff;
}

bool SchemaComparer::ValidationEquivalent(const Shape* base, const Shape* revision) {
  // Compared with annotations stripped from every node: a difference left is a real one.
  struct Equivalence {
    SchemaComparer& comparer;
    std::set<std::pair<const Shape*, const Shape*>> assumed;  // pairs on the stack: recursion is equal

    bool Same(const Shape* a, const Shape* b) {
      if (!a || !b) return !a && !b;
      a = comparer.base_.Resolve(a);
      b = comparer.revision_.Resolve(b);
      if (!assumed.insert({a, b}).second) return true;
      if (!SameKeywords(WithoutAnnotations(*a), WithoutAnnotations(*b))) return false;
      return SameList(a->all_of, b->all_of) && SameList(a->any_of, b->any_of) && SameList(a->one_of, b->one_of) &&
             SameList(a->prefix_items, b->prefix_items) && SameList(a->items, b->items) &&
             SameList(a->additional_properties_shape, b->additional_properties_shape) &&
             SameList(a->not_of, b->not_of) && SameList(a->contains, b->contains) &&
             SameList(a->property_names, b->property_names) && SameList(a->if_shape, b->if_shape) &&
             SameList(a->then_shape, b->then_shape) && SameList(a->else_shape, b->else_shape) &&
             SameList(a->unevaluated_items_shape, b->unevaluated_items_shape) &&
             SameList(a->unevaluated_properties_shape, b->unevaluated_properties_shape) &&
             SameList(a->content_schema, b->content_schema) && SameProperties(a->properties, b->properties) &&
             SameProperties(a->dependent_schemas, b->dependent_schemas);
    }
    bool SameList(const std::vector<Shape>& a, const std::vector<Shape>& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!Same(&a[i], &b[i])) return false;
      return true;
    }
    bool SameProperties(const std::vector<Property>& a, const std::vector<Property>& b) {
      if (a.size() != b.size()) return false;
      for (const Property& property : a) {
        auto other = std::find_if(b.begin(), b.end(), [&](const Property& p) {
          return p.name == property.name && p.pattern == property.pattern;
        });
        if (other == b.end() || other->required != property.required ||
            !Same(FirstOrNull(property.shape), FirstOrNull(other->shape)))
          return false;
      }
      return true;
    }
  };
  return Equivalence{*this, {}}.Same(base, revision);
}

}  // namespace agora::compat::internal
