#include "portal/form.h"

#include <boost/url/parse_query.hpp>

namespace agora::portal {

Result<Form> Form::FromRequest(server::Request& request, size_t max_bytes) {
  AGORA_ASSIGN_OR_RETURN(std::string text, request.ReadWholeBody(max_bytes));
  return Parse(text);
}

Result<Form> Form::Parse(std::string_view text) {
  auto params = boost::urls::parse_query(text);
  if (!params) return Status::InvalidArgument("BAD_REQUEST", "The form could not be read");
  boost::urls::encoding_opts form_encoding;
  form_encoding.space_as_plus = true;
  Form form;
  for (const auto& param : *params)
    form.fields_[param.key.decode(form_encoding)].push_back(param.value.decode(form_encoding));
  return form;
}

std::string Form::operator[](const std::string& name) const {
  const auto it = fields_.find(name);
  return it == fields_.end() || it->second.empty() ? "" : it->second.back();
}

const std::vector<std::string>& Form::All(const std::string& name) const {
  static const std::vector<std::string> kNone;
  const auto it = fields_.find(name);
  return it == fields_.end() ? kNone : it->second;
}

}  // namespace agora::portal
