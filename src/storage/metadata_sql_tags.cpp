// Tags in the SQL backends (see metadata_store_sql.h): an organisation's category and custom-field
// definitions, and a version's tags (labels) and category and field values.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using assets::Coordinates;
using Statement = std::unique_ptr<SqlStatement>;

namespace {

Status DuplicatedTagKey(Status st, const TagDefinition& d) {
  if (st.kind() != Status::Kind::kConflict) return st;
  return Status::Conflict("DUPLICATED_TAG_KEY", "The " + d.kind + " key '" + d.tag_key + "' is already defined");
}

}  // namespace

Status SqlMetadataStore::PutTagDefinition(const TagDefinition& d) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO tag_definitions VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    return DuplicatedTagKey(s->Bind(1, d.id).Bind(2, d.organization_id).Bind(3, d.kind).Bind(4, d.tag_key)
                                .Bind(5, d.display_name).Bind(6, d.data_type).Bind(7, Join(d.accepted_values, "\n"))
                                .Bind(8, Join(d.asset_type_restrictions, "\n")).Run(),
                            d);
  });
}

Status SqlMetadataStore::UpdateTagDefinition(const TagDefinition& d) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "UPDATE tag_definitions SET tag_key = ?, display_name = ?, data_type = ?, accepted_values = ?, "
        "asset_type_restrictions = ? WHERE id = ? AND organization_id = ? AND kind = ?"));
    AGORA_RETURN_IF_ERROR(DuplicatedTagKey(s->Bind(1, d.tag_key).Bind(2, d.display_name).Bind(3, d.data_type)
                                               .Bind(4, Join(d.accepted_values, "\n"))
                                               .Bind(5, Join(d.asset_type_restrictions, "\n")).Bind(6, d.id)
                                               .Bind(7, d.organization_id).Bind(8, d.kind).Run(),
                                           d));
    if (s->Changes() == 0) return Status::NotFound("No " + d.kind + " definition " + d.id);
    return Status::Ok();
  });
}

Result<std::vector<TagDefinition>> SqlMetadataStore::ListTagDefinitions(const std::string& organization_id,
                                                                        const std::string& kind) {
  return Read<std::vector<TagDefinition>>([&](SqlConnection& c) -> Result<std::vector<TagDefinition>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT id, organization_id, kind, tag_key, display_name, data_type, accepted_values, asset_type_restrictions "
        "FROM tag_definitions WHERE organization_id = ? AND kind = ? ORDER BY tag_key"));
    s->Bind(1, organization_id).Bind(2, kind);
    return s->Collect<TagDefinition>([](SqlStatement& r) -> Result<TagDefinition> {
      return TagDefinition{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), SplitLines(r.Text(6)),
                           SplitLines(r.Text(7))};
    });
  });
}

Status SqlMetadataStore::DeleteTagDefinition(const std::string& organization_id, const std::string& kind,
                                             const std::string& id) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM tag_definitions WHERE organization_id = ? AND kind = ? AND id = ?"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, organization_id).Bind(2, kind).Bind(3, id).Run());
    if (s->Changes() == 0) return Status::NotFound("No " + kind + " definition " + id);
    return Status::Ok();
  });
}

Status SqlMetadataStore::SetVersionTags(const Coordinates& coordinates, const std::vector<std::string>& tags) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM version_tags WHERE version_id = ?"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Run());
    s.reset();
    AGORA_RETURN_IF_ERROR(InsertValues(c, "version_tags", id, tags));
    return Reindex(c, coordinates.group_id, coordinates.asset_id);
  });
}

Status SqlMetadataStore::SetVersionTagValue(const Coordinates& coordinates, const std::string& kind,
                                            const assets::TagValue& value) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "DELETE FROM version_tag_values WHERE version_id = ? AND kind = ? AND tag_key = ?"));
    AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, kind).Bind(3, value.key).Run());
    s.reset();
    AGORA_RETURN_IF_ERROR(InsertTagValues(c, id, kind, {value}));
    return ReindexVersion(c, id);
  });
}

Status SqlMetadataStore::InsertTagValues(SqlConnection& c, int64_t id, const std::string& kind,
                                         const std::vector<assets::TagValue>& tag_values) {
  for (const auto& tag : tag_values) {
    for (size_t i = 0; i < tag.values.size(); ++i) {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT INTO version_tag_values VALUES (?, ?, ?, ?, ?)"));
      AGORA_RETURN_IF_ERROR(s->Bind(1, id).Bind(2, kind).Bind(3, tag.key).Bind(4, static_cast<int64_t>(i))
                                .Bind(5, tag.values[i]).RunLater());
    }
  }
  return Status::Ok();
}

Result<std::vector<assets::TagValue>> SqlMetadataStore::LoadTagValues(SqlConnection& c, int64_t id, const char* kind) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "SELECT tag_key, value FROM version_tag_values WHERE version_id = ? AND kind = ? ORDER BY tag_key, ordinal"));
  s->Bind(1, id).Bind(2, kind);
  std::vector<assets::TagValue> values;
  AGORA_RETURN_IF_ERROR(s->ForEach([&](SqlStatement& r) {
    if (values.empty() || values.back().key != r.Text(0)) values.push_back({r.Text(0), {}});
    values.back().values.push_back(r.Text(1));
    return Status::Ok();
  }));
  return values;
}

}  // namespace agora::storage
