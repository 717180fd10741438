// The structural difference of two shapes (internal to src/compat): which properties were added,
// removed or changed, how allOf/anyOf/oneOf alternatives pair up, and the sub-shapes (items,
// additionalProperties, not, if/then/else, ...) that changed, recursively. The checks read the
// keyword changes of a node straight from its two shapes; this tree tells them where to look.
//
// Named types are resolved through ModelIndex; a reference met again while it is being compared
// (a recursive type) ends the descent, so recursive shapes compare finitely. Each pair of
// resolved shapes is compared once: later uses share the result.
//
// Thread safety: one SchemaComparer per comparison, used by one thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compat/compat.h"
#include "specs/api_model.h"

namespace agora::compat::internal {

using specs::Property;
using specs::Shape;

// The shapes of one model, with references resolved.
class ModelIndex {
 public:
  explicit ModelIndex(const specs::ApiModel& model) : model_(model) {}
  const specs::ApiModel& model() const { return model_; }

  // What `shape` stands for: the named type it references (through references to references),
  // merged with the constraints it adds, or the shape itself. Never null for a non-null shape.
  const Shape* Resolve(const Shape* shape);
  // The named type `shape` finally references, or "" for an inline shape.
  std::string ReferencedName(const Shape* shape) const;

 private:
  const Shape* Target(const Shape* shape) const;

  const specs::ApiModel& model_;
  std::unordered_map<const Shape*, const Shape*> resolved_;
  std::deque<Shape> merged_;
};

// Whether a shape only annotates (title, description, examples, default...): it accepts what `{}`
// accepts, so adding it to an allOf constrains nothing.
bool AnnotationOnly(const Shape& shape);
// The non-pattern property `name` of a shape, or null.
const Property* FindProperty(const Shape& shape, const std::string& name);
// The JSON Schema types a shape names, "null" excluded (nullable says that).
std::vector<std::string> TypesOf(const Shape& shape);
// Whether a shape accepts null.
bool AcceptsNull(const Shape& shape);

struct SchemaDiff;
using SchemaDiffPtr = std::shared_ptr<const SchemaDiff>;

// An allOf/anyOf/oneOf alternative (or prefixItems entry): its place and how to name it.
struct Subschema {
  int index = 0;
  std::string component;  // the named type it references
  std::string title;
  std::string Label() const;  // "subschema #2: Title", "#/components/schemas/Pet", "subschema #1"
};
std::string Labels(const std::vector<Subschema>& subschemas);

struct ModifiedSubschema {
  Subschema base, revision;
  SchemaDiffPtr diff;
};

struct SubschemasDiff {
  std::vector<Subschema> added, deleted;
  std::vector<ModifiedSubschema> modified;
  bool empty() const { return added.empty() && deleted.empty() && modified.empty(); }
};

// Named sub-shapes (properties, pattern properties, dependent schemas).
struct NamedDiff {
  std::vector<std::string> added, deleted;
  std::vector<std::pair<std::string, SchemaDiffPtr>> modified;
  bool empty() const { return added.empty() && deleted.empty() && modified.empty(); }
};

struct SchemaDiff {
  const Shape* base = nullptr;      // resolved; null when the shape was added
  const Shape* revision = nullptr;  // resolved; null when the shape was removed
  bool added = false, deleted = false;
  bool circular = false;  // a recursive reference on one side only: changed, not descended
  bool keywords_changed = false;  // a keyword of this node itself differs (type, bounds, enum, ...)

  NamedDiff properties, pattern_properties, dependent_schemas;
  SubschemasDiff all_of, any_of, one_of, prefix_items;
  SchemaDiffPtr items, additional_properties, not_of, contains, property_names, unevaluated_items,
      unevaluated_properties, if_shape, then_shape, else_shape, content_schema;

  // Recognised transitions, each of which shows in the raw fields as several changes:
  // a single type became a oneOf/anyOf of scalar types or back (types added and removed);
  std::vector<std::string> list_of_types_added, list_of_types_deleted;
  // an object became a oneOf of objects holding its properties (the properties moved);
  std::vector<std::string> one_of_wrapped_properties;
  // X became oneOf [{type: null}, X] (+1) or the reverse (-1).
  int nullable_wrapping = 0;

  bool HasListOfTypes() const { return !list_of_types_added.empty() || !list_of_types_deleted.empty(); }
  bool OneOfWrapping() const { return !one_of_wrapped_properties.empty(); }
  bool both() const { return base && revision; }
};

class SchemaComparer {
 public:
  SchemaComparer(ModelIndex& base, ModelIndex& revision, const Options& options)
      : base_(base), revision_(revision), options_(options) {}

  // The difference of two (unresolved) shapes, either of which may be null; null when equal.
  SchemaDiffPtr Compare(const Shape* base, const Shape* revision);
  // Whether two shapes accept the same instances (annotations aside).
  bool ValidationEquivalent(const Shape* base, const Shape* revision);

  ModelIndex& base_index() { return base_; }
  ModelIndex& revision_index() { return revision_; }

 private:
  SchemaDiffPtr CompareResolved(const Shape* base, const Shape* revision, const std::string& base_ref,
                                const std::string& revision_ref);
  void CompareChildren(SchemaDiff& diff);
  NamedDiff CompareNamed(const std::vector<Property>& base, const std::vector<Property>& revision, bool patterns);
  SubschemasDiff CompareSubschemas(const std::vector<Shape>& base, const std::vector<Shape>& revision, bool reconcile);
  SchemaDiffPtr CompareOptional(const std::vector<Shape>& base, const std::vector<Shape>& revision);

  ModelIndex& base_;
  ModelIndex& revision_;
  const Options& options_;
  std::map<std::pair<const Shape*, const Shape*>, SchemaDiffPtr> cache_;
  std::multiset<std::string> visiting_base_, visiting_revision_;
};

// Whether the keywords of two resolved shapes (not their sub-shapes) are the same.
bool SameKeywords(const Shape& base, const Shape& revision);

}  // namespace agora::compat::internal
