// Agreement with oasdiff: every reproducible check run of oasdiff's own tests
// (../shared/corpus/compat/expectations.tsv; SOURCES.md explains the columns) is run through
// agora's comparison with the run's options, its check functions (the rules they emit, per
// oasdiff-rules.tsv) and its level threshold, and the expected ids are compared with agora's.
//
// Figures (docs/compatibility.md has their definitions and the README the latest values):
//  - breaking verdict agreement over the base/revision pairs whose verdict the runs determine;
//  - for the oasdiff ids agora implements, precision and recall of the expected ids per run;
//  - how many oasdiff ids agora implements.
// The full list of disagreements is written to compat-agreement.md in the working directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "compat/compat.h"
#include "specs/spec_reader.h"

namespace agora::compat {
namespace {

std::string CompatCorpus() { return std::string(AGORA_CORPUS_DIR) + "/compat"; }

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, '\t')) cells.push_back(cell);
    if (!line.empty() && line.back() == '\t') cells.push_back("");
    rows.push_back(std::move(cells));
  }
  return rows;
}

struct Row {
  std::string test, base, revision, id, level, count, notes, run, checks, min_level, complete;
};

struct CheckRun {
  std::string key;  // test + run
  std::string base, revision, checks, min_level, notes;
  bool complete = false;
  std::vector<Row> rows;
};

// The options a run's notes ask for.
Options OptionsOf(const std::string& notes) {
  Options options;
  if (auto at = notes.find("stability level "); at != std::string::npos) {
    std::string level = notes.substr(at + 16);
    level = level.substr(0, level.find_first_of(";, "));
    options.stability_level = level;
  }
  if (auto at = notes.find("deprecation days beta="); at != std::string::npos) {
    options.beta_deprecation_days = std::stoul(notes.substr(at + 22));
    options.stable_deprecation_days = std::stoul(notes.substr(notes.find("stable=", at) + 7));
  }
  if (notes.find("flatten-params") != std::string::npos) options.flatten_params = true;
  if (notes.find("MatchInlineRefs off") != std::string::npos) options.match_inline_refs = false;
  return options;
}

// Why a run cannot be reproduced from its files, or "".
std::string Unreproducible(const CheckRun& run) {
  if (run.notes.find("in-code mutation") != std::string::npos) return "the spec is changed in Go code";
  if (run.base.find(';') != std::string::npos || run.checks == "none") return "composed mode (lists of specs)";
  if (run.notes.find("ProcessIgnoredBackwardCompatibilityErrors") != std::string::npos)
    return "oasdiff's ignore files";
  return "";
}

struct Count {
  bool at_least = false;
  size_t value = 0;
};
Count ParseCount(const std::string& text) {
  if (text.rfind(">=", 0) == 0) return {true, static_cast<size_t>(std::stoul(text.substr(2)))};
  return {false, text.empty() ? 0 : static_cast<size_t>(std::stoul(text))};
}

class Harness {
 public:
  Harness() {
    for (const auto& cells : ReadTsv(CompatCorpus() + "/oasdiff-rules.tsv"))
      if (cells.size() > 7) checks_of_[cells[0]].insert(cells[7]);
    // The ids a check emits besides its own rules' (read in oasdiff's checker sources: shared
    // helpers report these from more than one check).
    checks_of_["api-path-sunset-parse"].insert("APISunsetChangedCheck");
    checks_of_["request-parameter-sunset-parse"].insert({"RequestParameterDeprecationCheck", "RequestParameterSunsetChangedCheck"});
    for (const Rule& rule : Rules())
      if (rule.oasdiff) implemented_.insert(std::string(rule.id));
  }

  const specs::ApiModel& Model(const std::string& file) {
    auto& slot = models_[file];
    if (!slot) {
      const specs::SpecReport report =
          specs::ReadSpec(specs::DirectorySpecSource(CompatCorpus() + "/oasdiff-data"), file);
      slot = std::make_unique<specs::ApiModel>(report.model);
    }
    return *slot;
  }

  // The changes of a run, kept as oasdiff would report them: its checks' rules, at its level.
  std::vector<Change> Changes(const CheckRun& run) {
    const Report report = Compare(Model(run.base), Model(run.revision), OptionsOf(run.notes));
    std::set<std::string> checks;
    std::stringstream list(run.checks);
    for (std::string check; std::getline(list, check, ',');) {
      check.erase(0, check.find_first_not_of(' '));
      check.erase(check.find_last_not_of(' ') + 1);
      checks.insert(check);
    }
    const auto min_level = ParseLevel(run.min_level);
    std::vector<Change> kept;
    for (const Change& change : report.changes) {
      const Rule* rule = FindRule(change.id);
      if (!rule || !rule->oasdiff) continue;
      const auto& emitters = checks_of_[change.id];
      if (run.checks != "all" &&
          std::none_of(emitters.begin(), emitters.end(), [&](const std::string& c) { return checks.count(c) > 0; }))
        continue;
      if (min_level && change.level < *min_level) continue;
      kept.push_back(change);
    }
    return kept;
  }

  bool Implemented(const std::string& id) const { return implemented_.count(id) > 0; }
  size_t ImplementedCount() const { return implemented_.size(); }

 private:
  std::map<std::string, std::set<std::string>> checks_of_;
  std::set<std::string> implemented_;
  std::map<std::string, std::unique_ptr<specs::ApiModel>> models_;
};

TEST(OasdiffAgreementTest, VerdictsAndIdsAgreeWithOasdiffsOwnTests) {
  const std::string path = CompatCorpus() + "/expectations.tsv";
  ASSERT_TRUE(std::filesystem::exists(path)) << "corpus missing: " << path;
  std::map<std::string, CheckRun> runs;
  std::vector<std::string> order;
  for (const auto& cells : ReadTsv(path)) {
    ASSERT_GE(cells.size(), 12u);
    Row row{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[7], cells[8], cells[9], cells[10], cells[11]};
    const std::string key = row.test + "#" + row.run;
    auto [it, added] = runs.try_emplace(key);
    if (added) {
      order.push_back(key);
      it->second = {key, row.base, row.revision, row.checks, row.min_level, row.notes, row.complete == "yes", {}};
    }
    if (row.notes.find("in-code mutation") != std::string::npos) it->second.notes += "; in-code mutation";
    it->second.rows.push_back(row);
  }

  Harness harness;
  std::ostringstream disagreements;
  size_t runs_compared = 0, skipped = 0;
  size_t recall_expected = 0, recall_found = 0, precision_reported = 0, precision_correct = 0;
  size_t counts_asserted = 0, counts_equal = 0;
  std::map<std::string, bool> pair_agrees;  // base|revision -> every determined run agrees
  std::map<std::string, size_t> skipped_reasons;
  for (const std::string& key : order) {
    const CheckRun& run = runs.at(key);
    if (const std::string reason = Unreproducible(run); !reason.empty()) {
      ++skipped;
      ++skipped_reasons[reason];
      continue;
    }
    ++runs_compared;
    const std::vector<Change> changes = harness.Changes(run);
    std::map<std::string, size_t> reported;
    for (const Change& change : changes) ++reported[change.id];

    // The expected ids and whether the run's verdict is known.
    std::set<std::string> named, expected_present;
    std::optional<bool> expected_breaking;
    bool levels_unknown = false;  // changes counted without ids, at any level
    size_t named_total = 0;
    for (const Row& row : run.rows) {
      if (row.id == "-" ) {
        expected_breaking = expected_breaking.value_or(false);
        continue;
      }
      if (row.id == "?") {
        const Count count = ParseCount(row.count);
        if (run.min_level != "INFO" && count.value > 0) expected_breaking = true;
        if (run.min_level == "INFO" && (count.value > 0 || count.at_least)) levels_unknown = true;
        continue;
      }
      named.insert(row.id);
      const Count count = ParseCount(row.count);
      if (count.value > 0 || count.at_least) {
        expected_present.insert(row.id);
        named_total += count.value;
        if (row.level == "ERR" || row.level == "WARN") expected_breaking = true;
      }
    }
    if (!expected_breaking && run.complete && !levels_unknown) expected_breaking = false;

    // Recall: each expected id agora implements is reported.
    for (const std::string& id : expected_present) {
      if (!harness.Implemented(id)) continue;
      ++recall_expected;
      if (reported.count(id)) ++recall_found;
      else disagreements << "| " << run.key << " | " << run.base << " -> " << run.revision << " | missing `" << id << "` |\n";
    }
    // Precision: each id agora reports where the run says what is expected of it (a run that
    // counts changes without naming them says nothing of the ids it does not name).
    const bool unnamed_counted = std::any_of(run.rows.begin(), run.rows.end(), [](const Row& r) { return r.id == "?"; });
    for (const auto& [id, count] : reported) {
      if (!harness.Implemented(id)) continue;
      const bool known = (run.complete && !unnamed_counted) || named.count(id);
      if (!known) continue;
      ++precision_reported;
      if (expected_present.count(id)) ++precision_correct;
      else disagreements << "| " << run.key << " | " << run.base << " -> " << run.revision << " | unexpected `" << id
                         << "` (" << count << ") |\n";
    }
    // Exact counts, a stricter figure; a `?` row counts the changes the run does not name.
    for (const Row& row : run.rows) {
      if (row.id == "?" && run.complete) {
        // The run's total: the named rows' counts (at least) plus this one.
        const Count count = ParseCount(row.count);
        if (count.at_least) continue;
        size_t total = 0, expected = count.value;
        for (const auto& [id, n] : reported) total += n;
        for (const Row& other : run.rows)
          if (other.id != "?" && other.id != "-") expected += ParseCount(other.count).value;
        ++counts_asserted;
        if (total == expected) ++counts_equal;
        else disagreements << "| " << run.key << " | " << run.base << " -> " << run.revision << " | " << total
                           << " changes, oasdiff " << expected << " |\n";
        continue;
      }
      if (row.id == "-" || row.id == "?" || !harness.Implemented(row.id)) continue;
      const Count count = ParseCount(row.count);
      if (count.at_least) continue;
      ++counts_asserted;
      if (reported[row.id] == count.value) ++counts_equal;
    }
    // The verdict: breaking when any change is at WARN or above.
    if (expected_breaking) {
      const bool breaking = std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.level >= Level::kWarn; });
      const std::string pair = run.base + " -> " + run.revision;
      const bool agrees = breaking == *expected_breaking;
      auto [it, added] = pair_agrees.try_emplace(pair, agrees);
      if (!added) it->second = it->second && agrees;
      if (!agrees)
        disagreements << "| " << run.key << " | " << pair << " | verdict " << (breaking ? "breaking" : "not breaking")
                      << ", oasdiff " << (*expected_breaking ? "breaking" : "not breaking") << " |\n";
    }
  }
  size_t pairs_agreeing = 0;
  for (const auto& [pair, agrees] : pair_agrees) pairs_agreeing += agrees;
  const double verdict = pair_agrees.empty() ? 0 : double(pairs_agreeing) / pair_agrees.size();
  const double recall = recall_expected ? double(recall_found) / recall_expected : 0;
  const double precision = precision_reported ? double(precision_correct) / precision_reported : 0;

  std::ostringstream summary;
  summary << "| figure | value |\n| --- | --- |\n"
          << "| check runs compared (of " << order.size() << "; " << skipped << " not reproducible from files) | "
          << runs_compared << " |\n"
          << "| breaking verdict agreement (pairs) | " << pairs_agreeing << " / " << pair_agrees.size() << " = "
          << verdict * 100 << "% |\n"
          << "| recall of expected ids agora implements | " << recall_found << " / " << recall_expected << " = "
          << recall * 100 << "% |\n"
          << "| precision of the ids agora reports | " << precision_correct << " / " << precision_reported << " = "
          << precision * 100 << "% |\n"
          << "| exact counts equal | " << counts_equal << " / " << counts_asserted << " |\n"
          << "| oasdiff ids implemented (of 509) | " << harness.ImplementedCount() << " |\n";
  for (const auto& [reason, count] : skipped_reasons) summary << "| runs left out: " << reason << " | " << count << " |\n";
  std::ofstream("compat-agreement.md") << summary.str() << "\n| run | pair | disagreement |\n| --- | --- | --- |\n"
                                       << disagreements.str();
  std::cout << summary.str() << disagreements.str();

  EXPECT_GE(verdict, 0.99);
  EXPECT_GE(recall, 0.95);
  EXPECT_GE(precision, 0.95);
  EXPECT_GE(harness.ImplementedCount(), 243u);
}

}  // namespace
}  // namespace agora::compat
