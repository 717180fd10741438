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

// For the `agora admin` commands: prints "agora admin: MESSAGE" to standard error and returns exit
// status 1; and the first line of standard input without its line ending (secrets stay out of argv).
int AdminFailure(const Status& status);
std::string ReadSecretLine();

}  // namespace agora::cli
