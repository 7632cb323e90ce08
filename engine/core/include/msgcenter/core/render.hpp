// Filling in a business text template (spec "Sending": templates with {first_name},
// {last_name}, {business_name}). Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace msgcenter {

/// The values a template may refer to. An empty value renders as nothing.
struct template_vars {
  std::string first_name;
  std::string last_name;
  std::string business_name;
};

/// `body` with every `{first_name}`, `{last_name}` and `{business_name}` replaced by its value.
/// Names are exact (lower case, no spaces inside the braces). Anything else in braces, and
/// unmatched braces, stay as written, so a template mentioning "{price}" or ":-}" still reads
/// as the author typed it. One left-to-right pass: a value that itself contains "{first_name}"
/// is not expanded again. Never fails.
[[nodiscard]] std::string render_template(std::string_view body, const template_vars& vars);

}  // namespace msgcenter
