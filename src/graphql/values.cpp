// Literals to JSON and variable coercion (spec 6.1.2 and 3.5), with graphql-js's messages.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "graphql/internal.h"

namespace agora::graphql {
namespace {

namespace json = boost::json;

// A Float literal. Out of range, it saturates rather than becoming infinity, which JSON cannot
// carry.
json::value FloatToJson(const std::string& text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc::result_out_of_range) {
    const size_t exponent = text.find_first_of("eE");
    const bool tiny = exponent != std::string::npos && exponent + 1 < text.size() && text[exponent + 1] == '-';
    const bool negative = text[0] == '-';
    number = tiny ? (negative ? -0.0 : 0.0) : (negative ? -std::numeric_limits<double>::max()
                                                        : std::numeric_limits<double>::max());
  }
  return number;
}

// An Int literal: an int64 when it fits, else the nearest double, as JavaScript would read it.
json::value IntToJson(const std::string& text) {
  int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc() && end == text.data() + text.size()) return number;
  return FloatToJson(text);
}

// The type from wrapper `from` inward, as written: for [Int!]! from 1, "[Int!]".
std::string TypeString(const TypeRef& type, size_t from) {
  TypeRef inner{type.name, {type.wrappers.begin() + static_cast<std::ptrdiff_t>(from), type.wrappers.end()}};
  return ToString(inner);
}

// Checks one built-in scalar; returns the message of a wrong value, or empty.
std::string CoerceScalar(std::string_view type, const json::value& in, json::value& out) {
  if (type == "Int") {
    std::optional<int64_t> integer;
    if (in.is_int64()) integer = in.get_int64();
    if (in.is_uint64()) {
      integer = in.get_uint64() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX
                                                                    : static_cast<int64_t>(in.get_uint64());
    }
    if (in.is_double()) {
      const double d = in.get_double();
      if (std::isfinite(d) && std::floor(d) == d) {
        integer = std::fabs(d) < 1e18 ? static_cast<int64_t>(d) : INT64_MAX;
      }
    }
    if (!integer) return "Int cannot represent non-integer value: " + Inspect(in);
    if (*integer < INT32_MIN || *integer > INT32_MAX)
      return "Int cannot represent non 32-bit signed integer value: " + Inspect(in);
    out = *integer;
  } else if (type == "Float") {
    if (!in.is_number()) return "Float cannot represent non numeric value: " + Inspect(in);
    out = in;
  } else if (type == "String") {
    if (!in.is_string()) return "String cannot represent a non string value: " + Inspect(in);
    out = in;
  } else if (type == "Boolean") {
    if (!in.is_bool()) return "Boolean cannot represent a non boolean value: " + Inspect(in);
    out = in;
  } else if (type == "ID") {
    if (in.is_string()) {
      out = in;
    } else if (in.is_int64() || in.is_uint64()) {
      out = json::serialize(in);
    } else {
      return "ID cannot represent value: " + Inspect(in);
    }
  } else {
    out = in;  // enums, input objects, custom scalars: no schema says what they hold
  }
  return {};
}

struct InvalidValue {
  json::value value;
  std::string path;  // "x[1]", or empty at the top
  std::string message;
};

// Coerces `in` to `type` from wrapper `from` inward; false with `invalid` set on a wrong value.
// `path` names the position for the message ("x[1]").
bool CoerceInput(const json::value& in, const TypeRef& type, size_t from, const std::string& path,
                 bool nested, json::value& out, InvalidValue& invalid) {
  const bool has_wrapper = from < type.wrappers.size();
  if (has_wrapper && type.wrappers[from] == TypeRef::Wrapper::kNonNull) {
    if (in.is_null()) {
      invalid = {in, nested ? path : "",
                 "Expected non-nullable type \"" + TypeString(type, from) + "\" not to be null."};
      return false;
    }
    return CoerceInput(in, type, from + 1, path, nested, out, invalid);
  }
  if (in.is_null()) {
    out = nullptr;
    return true;
  }
  if (has_wrapper) {  // a list
    json::array items;
    if (!in.is_array()) {  // a single value stands for a list of one (spec 3.11)
      json::value item;
      if (!CoerceInput(in, type, from + 1, path, nested, item, invalid)) return false;
      items.push_back(std::move(item));
    } else {
      const json::array& list = in.get_array();
      for (size_t i = 0; i < list.size(); ++i) {
        json::value item;
        if (!CoerceInput(list[i], type, from + 1, path + "[" + std::to_string(i) + "]", true, item,
                         invalid)) {
          return false;
        }
        items.push_back(std::move(item));
      }
    }
    out = std::move(items);
    return true;
  }
  std::string message = CoerceScalar(type.name, in, out);
  if (message.empty()) return true;
  invalid = {in, nested ? path : "", std::move(message)};
  return false;
}

}  // namespace

std::string Inspect(const json::value& value) {
  constexpr size_t kMaxLength = 100;
  std::string text = json::serialize(value);
  if (text.size() <= kMaxLength) return text;
  size_t cut = kMaxLength;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
  return text.substr(0, cut) + "...";
}

json::value ValueToJson(const Value& value, const json::object& variables) {
  switch (value.kind) {
    case Value::Kind::kVariable: {
      const json::value* found = variables.if_contains(value.text);
      return found ? *found : json::value(nullptr);
    }
    case Value::Kind::kInt: return IntToJson(value.text);
    case Value::Kind::kFloat: return FloatToJson(value.text);
    case Value::Kind::kString:
    case Value::Kind::kEnum: return json::string(value.text);
    case Value::Kind::kBoolean: return value.text == "true";
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kList: {
      json::array list;
      for (const Value& item : value.list) list.push_back(ValueToJson(item, variables));
      return list;
    }
    case Value::Kind::kObject: {
      json::object object;
      for (const ObjectField& field : value.fields) {
        if (field.value.kind == Value::Kind::kVariable && !variables.contains(field.value.text)) continue;
        object[field.name] = ValueToJson(field.value, variables);
      }
      return object;
    }
  }
  return nullptr;
}

json::object ArgumentsToJson(const std::vector<Argument>& arguments, const json::object& variables) {
  json::object object;
  for (const Argument& argument : arguments) {
    if (argument.value.kind == Value::Kind::kVariable && !variables.contains(argument.value.text)) continue;
    object[argument.name] = ValueToJson(argument.value, variables);
  }
  return object;
}

std::vector<Error> CoerceVariables(const OperationDefinition& operation, const json::object& provided,
                                   json::object* coerced) {
  std::vector<Error> errors;
  for (const VariableDefinition& definition : operation.variables) {
    const TypeRef& type = definition.type;
    const bool non_null = !type.wrappers.empty() && type.wrappers[0] == TypeRef::Wrapper::kNonNull;
    const std::string quoted = "Variable \"$" + definition.name + "\"";
    const json::value* given = provided.if_contains(definition.name);
    json::value input;
    if (given) {
      if (given->is_null() && non_null) {
        errors.push_back({quoted + " of non-null type \"" + ToString(type) + "\" must not be null.",
                          {definition.location}, {}});
        continue;
      }
      input = *given;
    } else if (definition.default_value) {
      input = ValueToJson(*definition.default_value, {});
    } else {
      if (non_null) {
        errors.push_back({quoted + " of required type \"" + ToString(type) + "\" was not provided.",
                          {definition.location}, {}});
      }
      continue;  // absent: the arguments that use it are left out
    }
    json::value value;
    InvalidValue invalid;
    if (!CoerceInput(input, type, 0, definition.name, false, value, invalid)) {
      std::string message = quoted + (given ? " got invalid value " : " has invalid default value ") +
                            Inspect(invalid.value);
      if (!invalid.path.empty()) message += " at \"" + invalid.path + "\"";
      errors.push_back({message + "; " + invalid.message, {definition.location}, {}});
      continue;
    }
    (*coerced)[definition.name] = std::move(value);
  }
  return errors;
}

std::optional<bool> EvaluateIf(const Directive& directive, const json::object& variables) {
  for (const Argument& argument : directive.arguments) {
    if (argument.name != "if") continue;
    const json::value value = ValueToJson(argument.value, variables);
    if (value.is_bool()) return value.get_bool();
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace agora::graphql
