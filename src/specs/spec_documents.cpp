#include "specs/spec_documents.h"

#include <algorithm>

#include "specs/json_document.h"
#include "specs/text_encoding.h"

namespace agora::specs {
namespace {

// JSON through the JSON parser (libyaml refuses some valid JSON); a file that only starts like
// JSON but is YAML (a flow mapping) through libyaml, whose error is the one shown unless the file
// is named .json.
ParsedYaml Parse(const std::string& path, std::string_view content, const YamlLimits& limits) {
  if (!LooksLikeJson(content)) return ParseYaml(content, limits);
  ParsedYaml json = ParseJson(content, limits);
  if (!json.error || path.ends_with(".json")) return json;
  ParsedYaml yaml = ParseYaml(content, limits);
  return yaml.error ? std::move(json) : std::move(yaml);
}

// What pugixml holds per element and per attribute (its node and attribute structures, with
// their allocation overhead): a bound found before parsing, by counting the markup.
constexpr uint64_t kXmlNodeBytes = 80;
constexpr uint64_t kXmlAttributeBytes = 48;

std::string MiB(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

}  // namespace

DocumentSet::DocumentSet(const SpecSource& source, const ReadOptions& options, SpecReport& report)
    : source_(source), options_(options), report_(report), cpu_deadline_(ThreadCpuTime() + options.max_cpu_time) {}

uint64_t DocumentSet::MemoryLimit() const {
  return std::min(options_.max_memory_bytes,
                  std::max(options_.memory_bytes, options_.memory_per_file_byte * total_bytes_));
}

void DocumentSet::ReportExhausted(const Problem& at, std::string message) {
  if (exhausted_) return;
  exhausted_ = true;
  report_.problems.push_back({at.file, at.line, at.column, std::move(message)});
}

bool DocumentSet::Charge(uint64_t bytes, const Problem& at) {
  charged_bytes_ += bytes;
  if (charged_bytes_ <= MemoryLimit()) return !Spent(at);
  ReportOutOfMemory(at);
  return false;
}

bool DocumentSet::Spent(const Problem& at) {
  // A clock read costs about as much as a small step of a reader's loop.
  constexpr uint32_t kClockPeriod = 256;
  if (exhausted_) return true;
  return ++calls_ % kClockPeriod == 0 && OutOfTime(at);
}

void DocumentSet::ReportOutOfMemory(const Problem& at) {
  ReportExhausted(at, "reading the spec needs more than its " + MiB(MemoryLimit()) + " of memory (a reading may use " +
                          MiB(options_.memory_bytes) + ", or " + std::to_string(options_.memory_per_file_byte) +
                          " bytes per byte of the files it reads, up to " + MiB(options_.max_memory_bytes) + ")");
}

bool DocumentSet::OutOfTime(const Problem& at) {
  if (ThreadCpuTime() <= cpu_deadline_) return exhausted_;
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(options_.max_cpu_time).count();
  ReportExhausted(at, "reading the spec takes more than its " +
                          (millis < 1000 || millis % 1000 ? std::to_string(millis) + " ms" : std::to_string(millis / 1000) + " s") +
                          " of CPU time");
  return true;
}

const std::string* DocumentSet::Text(const std::string& path, const Problem& from) {
  auto [it, inserted] = entries_.try_emplace(path);
  Entry& entry = it->second;
  if (!inserted) return entry.readable ? &entry.text : nullptr;
  auto fail = [&](std::string message) -> const std::string* {
    Problem problem = from;
    problem.message = std::move(message);
    report_.problems.push_back(std::move(problem));
    return nullptr;
  };
  if (exhausted_ || OutOfTime(from)) return nullptr;
  if (entries_.size() > options_.max_files)
    return fail("the spec pulls in more than " + std::to_string(options_.max_files) + " files");
  auto content = source_.Read(path);
  if (!content.ok()) return fail("'" + path + "' is not in the archive");
  total_bytes_ += content->size();
  content = DecodeToUtf8(std::move(content).value());
  if (!content.ok()) return fail("'" + path + "': " + content.status().message());
  if (total_bytes_ > options_.max_total_bytes)
    return fail("the spec's files exceed " + std::to_string(options_.max_total_bytes) + " bytes in total");
  if (!Charge(content->size(), from)) return nullptr;
  entry.text = std::move(content).value();
  entry.readable = true;
  report_.model.files.push_back(path);
  return &entry.text;
}

const YamlNode* DocumentSet::Yaml(const std::string& path, const Problem& from) {
  const std::string* text = Text(path, from);
  if (!text) return nullptr;
  Entry& entry = entries_.at(path);
  if (!entry.parsed) {
    entry.parsed = true;
    std::string_view content = *text;
    if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
    YamlLimits limits;
    limits.max_depth = options_.max_nesting;
    limits.max_bytes = charged_bytes_ < MemoryLimit() ? MemoryLimit() - charged_bytes_ : 0;
    limits.cpu_deadline = cpu_deadline_;
    entry.yaml = std::make_unique<ParsedYaml>(Parse(path, content, limits));
    const Problem at{path, entry.yaml->error ? entry.yaml->error->line : 1, entry.yaml->error ? entry.yaml->error->column : 1,
                     ""};
    if (!entry.yaml->error) {
      Charge(entry.yaml->bytes, at);
    } else if (entry.yaml->error->kind == YamlError::Kind::kMemory) {
      charged_bytes_ += entry.yaml->bytes;
      ReportOutOfMemory(at);
    } else if (entry.yaml->error->kind == YamlError::Kind::kTime) {
      OutOfTime(at);
    } else {
      report_.problems.push_back({path, at.line, at.column, entry.yaml->error->message});
    }
    if (entry.yaml->error) entry.yaml->root = YamlNode();  // nothing of a failed document is kept
  }
  return entry.yaml->error ? nullptr : &entry.yaml->root;
}

const pugi::xml_document* DocumentSet::Xml(const std::string& path, const Problem& from) {
  const std::string* text = Text(path, from);
  if (!text) return nullptr;
  Entry& entry = entries_.at(path);
  if (entry.parsed) return entry.xml.get();
  entry.parsed = true;
  if (const size_t doctype = text->find("<!DOCTYPE"); doctype != std::string::npos) {
    const auto [line, column] = Position(path, doctype);
    report_.problems.push_back({path, line, column, "a DOCTYPE is not accepted (no entity is ever expanded)"});
    return nullptr;
  }
  // pugixml copies the text and allocates per element and attribute: charged before parsing.
  const uint64_t markup = std::count(text->begin(), text->end(), '<');
  const uint64_t attributes = std::count(text->begin(), text->end(), '=');
  if (!Charge(text->size() + markup * kXmlNodeBytes + attributes * kXmlAttributeBytes, {path, 1, 1, ""})) return nullptr;
  auto xml = std::make_unique<pugi::xml_document>();
  const pugi::xml_parse_result parsed = xml->load_buffer(text->data(), text->size(), pugi::parse_default);
  if (!parsed) {
    const auto [line, column] = Position(path, static_cast<size_t>(std::max<ptrdiff_t>(parsed.offset, 0)));
    report_.problems.push_back({path, line, column, std::string("malformed XML: ") + parsed.description()});
    return nullptr;
  }
  if (OutOfTime({path, 1, 1, ""}) || !CheckXmlNesting(path, *xml)) return nullptr;
  entry.xml = std::move(xml);
  return entry.xml.get();
}

// Walks the tree without recursion; the readers' own walks recurse, within this bound.
bool DocumentSet::CheckXmlNesting(const std::string& path, const pugi::xml_document& xml) {
  uint32_t depth = 0;
  pugi::xml_node node = xml.first_child();
  while (node) {
    if (node.first_child()) {
      node = node.first_child();
      if (++depth >= options_.max_nesting) {
        const auto [line, column] = Position(path, static_cast<size_t>(std::max<ptrdiff_t>(node.offset_debug(), 0)));
        report_.problems.push_back(
            {path, line, column, "XML elements nest deeper than " + std::to_string(options_.max_nesting) + " levels"});
        return false;
      }
      continue;
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (node) node = node.next_sibling();
  }
  return true;
}

std::pair<uint32_t, uint32_t> DocumentSet::Position(const std::string& path, size_t offset) {
  const auto found = entries_.find(path);
  if (found == entries_.end() || !found->second.readable) return {1, 1};
  Entry& entry = found->second;
  if (entry.line_starts.empty()) {
    entry.line_starts.push_back(0);
    for (size_t i = 0; i < entry.text.size(); ++i)
      if (entry.text[i] == '\n') entry.line_starts.push_back(i + 1);
  }
  offset = std::min(offset, entry.text.size());
  const auto line = std::upper_bound(entry.line_starts.begin(), entry.line_starts.end(), offset) - entry.line_starts.begin();
  return {static_cast<uint32_t>(line), static_cast<uint32_t>(offset - entry.line_starts[line - 1] + 1)};
}

}  // namespace agora::specs
