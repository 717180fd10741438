#include "specs/oas_references.h"

#include <cctype>
#include <set>
#include <utility>

namespace agora::specs {

std::string UnescapePointerToken(const std::string& token) {
  std::string decoded;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      decoded += token[++i] == '0' ? '~' : '/';
    } else if (token[i] == '%' && i + 2 < token.size() && std::isxdigit(static_cast<unsigned char>(token[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(token[i + 2]))) {
      decoded += static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += token[i];
    }
  }
  return decoded;
}

const YamlNode* FollowPointer(const YamlNode& root, const std::string& pointer) {
  if (pointer.empty()) return &root;
  if (pointer.front() != '/') return nullptr;
  const YamlNode* node = &root;
  size_t start = 1;
  while (start <= pointer.size() && node) {
    const size_t end = std::min(pointer.find('/', start), pointer.size());
    const std::string token = UnescapePointerToken(pointer.substr(start, end - start));
    if (node->is_mapping()) {
      node = node->Find(token);
    } else if (node->is_sequence() && !token.empty() && token.find_first_not_of("0123456789") == std::string::npos &&
               token.size() < 10 && std::stoul(token) < node->items.size()) {
      node = &node->items[std::stoul(token)];
    } else {
      node = nullptr;
    }
    start = end + 1;
  }
  return node;
}

OasNode OasReferences::Lookup(const std::string& file, const YamlNode& ref, bool report) {
  const std::string& text = ref.scalar;
  const size_t hash = text.find('#');
  const std::string file_part = FileOfReference(text);
  const std::string pointer = hash == std::string::npos ? "" : text.substr(hash + 1);
  std::string target_file = file;
  if (!file_part.empty()) {
    auto resolved = ResolveReference(file, file_part);
    if (!resolved.ok()) {
      if (report) documents_.AddProblem(file, ref, resolved.status().message());
      return {};
    }
    target_file = *resolved;
  }
  const YamlNode* root = documents_.Yaml(target_file, {file, ref.line, ref.column, ""});
  if (!root) return {};
  const YamlNode* target = FollowPointer(*root, pointer);
  if (!target && report)
    documents_.AddProblem(file, ref, "dangling reference '" + text + "': " + (pointer.empty() ? target_file : "#" + pointer) +
                                         " does not exist" + (file_part.empty() ? "" : " in " + target_file));
  return {target_file, target, pointer};
}

OasNode OasReferences::Follow(const OasNode& start, bool report) {
  OasNode target = start;
  std::set<std::pair<std::string, const YamlNode*>> seen;
  while (target.node && target.node->is_mapping()) {
    const YamlNode* ref = target.node->Find("$ref");
    if (!ref || !ref->is_scalar()) break;
    if (!seen.insert({target.file, target.node}).second) {
      if (report) documents_.AddProblem(start.file, *start.node, "circular reference '" + ref->scalar + "'");
      return {};
    }
    target = Lookup(target.file, *ref, /*report=*/false);
  }
  return target;
}

OasNode OasReferences::Resolve(const OasNode& node) { return Follow(node, true); }
OasNode OasReferences::ResolveQuietly(const OasNode& node) { return Follow(node, false); }

}  // namespace agora::specs
