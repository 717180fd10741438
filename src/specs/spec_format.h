// Recognises which kind of API specification a file is (RAML 0.8/1.0, OAS 2.0/3.x, WSDL 1.1)
// and its version, from its content. Publication uses it for exchange.json's originalFormat and
// originalFormatVersion and to refuse a file that is not the spec its classifier claims.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace agora::specs {

struct SpecFormat {
  std::string format;   // raml, oas, wsdl; empty when unknown
  std::string version;  // 1.0, 0.8, 2.0, 3.0.3, 1.1
};

SpecFormat DetectSpecFormat(const std::string& file_name, std::string_view content);

}  // namespace agora::specs
