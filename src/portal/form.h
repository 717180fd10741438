// A posted HTML form (application/x-www-form-urlencoded): its fields by name, each with every
// value it was sent with (a group of checkboxes sends one name many times).
//
// Thread safety: a Form is a value; FromRequest reads the request's body once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/http.h"

namespace agora::portal {

class Form {
 public:
  // At most `max_bytes` of body; 400 BAD_REQUEST when it cannot be read as a form.
  static Result<Form> FromRequest(server::Request& request, size_t max_bytes);
  static Result<Form> Parse(std::string_view text);

  bool Has(const std::string& name) const { return fields_.contains(name); }
  // The last value sent under `name`, or empty.
  std::string operator[](const std::string& name) const;
  // Every value sent under `name`, in the order sent.
  const std::vector<std::string>& All(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::string>> fields_;
};

}  // namespace agora::portal
