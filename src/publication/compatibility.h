// The compatibility rule publication enforces (docs/compatibility.md). An organisation or an
// asset may set one:
//   NONE                 versions are published whatever they change (the default);
//   BACKWARD             a minor or patch version must not break the previous version of its
//                        major (the highest earlier version with the same major);
//   BACKWARD_TRANSITIVE  ... nor any earlier version of its major.
// A new major (no earlier version with its major) is always allowed. The rule in force is the
// asset's own, else its organisation's, else the nearest parent business group's.
//
// Thread safety: stateless functions over a thread-safe MetadataStore.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "assets/asset.h"
#include "common/status.h"
#include "compat/compat.h"
#include "specs/api_model.h"
#include "storage/metadata_store.h"

namespace agora::publication {

enum class CompatibilityRule { kNone, kBackward, kBackwardTransitive };

std::optional<CompatibilityRule> ParseCompatibilityRule(std::string_view name);  // exact, upper case
std::string_view CompatibilityRuleName(CompatibilityRule rule);

// The scopes rules are stored under (MetadataStore::GetCompatibilityRule).
std::string OrganizationRuleScope(const std::string& organization_id);
std::string AssetRuleScope(const std::string& group_id, const std::string& asset_id);

struct RuleInForce {
  CompatibilityRule rule = CompatibilityRule::kNone;
  std::string source;  // "asset", "organization:<id>" (the one whose rule it is), or "default"
};

Result<RuleInForce> EffectiveRule(storage::MetadataStore& metadata, const std::string& organization_id,
                                  const std::string& group_id, const std::string& asset_id);

// The outcome of checking a new version against the earlier versions its rule names.
struct CompatibilityCheck {
  RuleInForce rule;
  std::vector<std::pair<assets::Coordinates, compat::Report>> reports;  // base version, report

  // Whether the rule refuses the version: a rule other than NONE and an ERR in a report.
  bool Refused() const;
  // {"rule", "ruleSource", "compatible", "reports": [{report JSON (docs/compatibility.md)}]}.
  std::string ToJson(const assets::Coordinates& revision) const;
  // The ERR changes, one line each, for an error's details.errors.
  std::vector<std::string> Errors() const;
};

// Compares `model_json`, the API model of the version `coordinates` about to be published, with
// the stored versions the rule in force names (with `always_report`, as a dry run does, with the
// previous version of its major even when the rule is NONE). Versions without an API model are
// left out. The model is read only when there is a version to compare it with: reading it was
// half of a publication's CPU under the default rule, NONE, which compares nothing.
Result<CompatibilityCheck> CheckCompatibility(storage::MetadataStore& metadata, const std::string& organization_id,
                                              const assets::Coordinates& coordinates, const std::string& model_json,
                                              bool always_report);

}  // namespace agora::publication
