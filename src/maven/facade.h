// The Maven facade: Exchange's Maven 2 repository over agora's catalogue, so `mvn deploy`
// publishes assets and Maven builds consume them, with only the repository URL changed.
//
//   /api/v1|v2|v3/organizations/{organizationId}/maven/...   read, and deploy into the organisation
//   /api/v1|v2|v3/maven/...                                    read only
//   /exchange/api/v1|v2/organizations/{organizationId}/maven/... as self-hosted Exchange spelled it
//
// This module owns the repository layout (repository_path.h), maven-metadata.xml written from
// agora's records (metadata_xml.h), checksums (checksums.h), staged deploys and their
// publication (deploys.h) and reads (repository.h); facade.cpp is its HTTP side. Publication
// itself is the publication pipeline's (src/publication), with the Exchange API's rules.
//
// Credentials as Exchange takes them: Basic with a user's name and password, "~~~Token~~~" and
// a bearer token, "~~~Client~~~" and "clientId~?~clientSecret"; or a Bearer header. Without
// them every request is 401 with WWW-Authenticate: Basic (never 404); an upload is refused from
// its headers, before "100 Continue", so no body is sent for nothing. Refusals explain
// themselves in the HTTP reason phrase, the only part of an answer Maven prints. DELETE is 405.
//
// Thread safety: handlers run concurrently on the server's threads; FacadeServices must outlive
// the router, and its members are thread-safe.
#pragma once

#include "auth/accounts.h"
#include "auth/auth.h"
#include "exchange/response_cache.h"
#include "publication/blob_reaper.h"
#include "publication/downloads.h"
#include "publication/publisher.h"
#include "server/http.h"
#include "storage/blob_store.h"
#include "storage/metadata_store.h"

namespace agora::maven {

struct FacadeServices {
  storage::MetadataStore& metadata;
  storage::BlobStore& blobs;
  publication::BlobReaper& reaper;
  publication::Publisher& publisher;
  auth::Authenticator& authenticator;
  auth::Accounts& accounts;
  publication::DownloadCounter& downloads;  // Maven's downloads count in the usage figures too
  exchange::ResponseCache& metadata_cache;  // maven-metadata.xml as last written (see repository.h)
};

void RegisterMavenRoutes(server::Router& router, FacadeServices& services);

}  // namespace agora::maven
