// Organisation and token creation, shared by the `agora admin` commands (AdminCommands() in
// cli/command.h) and by `serve`, which bootstraps an empty data directory with them.
//
// Thread safety: functions may be called from any thread; they only use thread-safe stores.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::cli {

// parent_id: the organisation a business group belongs to; empty for a root organisation.
Result<std::string> CreateOrganization(storage::MetadataStore& metadata, const std::string& name,
                                       const std::string& parent_id = "");
Result<std::string> CreateToken(storage::MetadataStore& metadata, const std::string& organization_id,
                                const std::string& role, const std::string& subject);

}  // namespace agora::cli
