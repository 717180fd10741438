// Documentation portals in the SQL backends (see metadata_store_sql.h): each version's published
// pages and resources, and at most one draft. Contents are blobs, which these rows keep alive.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using assets::Coordinates;
using Statement = std::unique_ptr<SqlStatement>;

namespace {

// Replaces (or, given nullptr, removes) one of a version's portals with all its rows.
Status ReplacePortal(SqlConnection& c, int64_t id, bool draft, const Portal* portal) {
  AGORA_ASSIGN_OR_RETURN(Statement remove, c.Prepare("DELETE FROM portals WHERE version_id = ? AND draft = ?"));
  AGORA_RETURN_IF_ERROR(remove->Bind(1, id).Bind(2, draft ? 1 : 0).Run());
  remove.reset();
  if (!portal) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(Statement add, c.Prepare("INSERT INTO portals VALUES (?, ?)"));
  AGORA_RETURN_IF_ERROR(add->Bind(1, id).Bind(2, draft ? 1 : 0).Run());
  add.reset();
  for (size_t i = 0; i < portal->pages.size(); ++i) {
    AGORA_ASSIGN_OR_RETURN(Statement page, c.Prepare("INSERT INTO portal_pages VALUES (?, ?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(page->Bind(1, id).Bind(2, draft ? 1 : 0).Bind(3, static_cast<int64_t>(i))
                              .Bind(4, portal->pages[i].path).Bind(5, portal->pages[i].sha256).RunLater());
  }
  for (const auto& resource : portal->resources) {
    AGORA_ASSIGN_OR_RETURN(Statement row, c.Prepare("INSERT INTO portal_resources VALUES (?, ?, ?, ?, ?)"));
    AGORA_RETURN_IF_ERROR(row->Bind(1, id).Bind(2, draft ? 1 : 0).Bind(3, resource.path).Bind(4, resource.sha256)
                              .Bind(5, resource.media_type).RunLater());
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<Portal>> SqlMetadataStore::GetPortal(const Coordinates& coordinates, bool draft) {
  return Read<std::optional<Portal>>([&](SqlConnection& c) -> Result<std::optional<Portal>> {
    AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
    AGORA_ASSIGN_OR_RETURN(Statement exists, c.Prepare("SELECT 1 FROM portals WHERE version_id = ? AND draft = ?"));
    exists->Bind(1, id).Bind(2, draft ? 1 : 0);
    AGORA_ASSIGN_OR_RETURN(bool found, exists->Step());
    if (!found) return std::optional<Portal>();
    exists.reset();
    Portal portal;
    AGORA_ASSIGN_OR_RETURN(Statement pages, c.Prepare(
        "SELECT path, sha256 FROM portal_pages WHERE version_id = ? AND draft = ? ORDER BY ordinal"));
    pages->Bind(1, id).Bind(2, draft ? 1 : 0);
    AGORA_ASSIGN_OR_RETURN(portal.pages, pages->Collect<PortalPage>([](SqlStatement& r) -> Result<PortalPage> {
      return PortalPage{r.Text(0), r.Text(1)};
    }));
    AGORA_ASSIGN_OR_RETURN(Statement resources, c.Prepare(
        "SELECT path, sha256, media_type FROM portal_resources WHERE version_id = ? AND draft = ? ORDER BY path"));
    resources->Bind(1, id).Bind(2, draft ? 1 : 0);
    AGORA_ASSIGN_OR_RETURN(portal.resources, resources->Collect<PortalResource>([](SqlStatement& r) -> Result<PortalResource> {
      return PortalResource{r.Text(0), r.Text(1), r.Text(2)};
    }));
    return std::optional<Portal>(std::move(portal));
  });
}

Status SqlMetadataStore::PutPortal(const Coordinates& coordinates, bool draft, const Portal& portal) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
    return ReplacePortal(c, id, draft, &portal);
  });
}

Status SqlMetadataStore::DeletePortal(const Coordinates& coordinates, bool draft) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
    return ReplacePortal(c, id, draft, nullptr);
  });
}

Status SqlMetadataStore::PublishDraft(const Coordinates& coordinates) {
  return Write([&](SqlConnection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(int64_t id, VersionId(c, coordinates));
    AGORA_ASSIGN_OR_RETURN(Statement has, c.Prepare("SELECT 1 FROM portals WHERE version_id = ? AND draft = 1"));
    has->Bind(1, id);
    AGORA_ASSIGN_OR_RETURN(bool found, has->Step());
    has.reset();
    if (!found) return Status::NotFound("Asset " + coordinates.ToString() + " has no documentation draft");
    AGORA_RETURN_IF_ERROR(ReplacePortal(c, id, /*draft=*/false, nullptr));
    // Pages and resources follow their portal's key (ON UPDATE CASCADE).
    AGORA_ASSIGN_OR_RETURN(Statement move, c.Prepare("UPDATE portals SET draft = 0 WHERE version_id = ? AND draft = 1"));
    return move->Bind(1, id).Run();
  });
}

}  // namespace agora::storage
