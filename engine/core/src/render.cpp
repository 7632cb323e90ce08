#include "msgcenter/core/render.hpp"

#include <algorithm>
#include <utility>

namespace msgcenter {

std::string render_template(std::string_view body, const template_vars& vars) {
  const std::pair<std::string_view, const std::string*> names[] = {
      {"{first_name}", &vars.first_name},
      {"{last_name}", &vars.last_name},
      {"{business_name}", &vars.business_name},
  };
  std::string out;
  out.reserve(body.size());
  std::size_t i = 0;
  while (i < body.size()) {
    const std::size_t open = body.find('{', i);
    if (open == std::string_view::npos) break;
    out.append(body.substr(i, open - i));
    const std::string_view rest = body.substr(open);
    const std::string* value = nullptr;
    std::size_t length = 1;
    for (const auto& [name, v] : names) {
      if (rest.substr(0, name.size()) == name) {
        value = v;
        length = name.size();
        break;
      }
    }
    if (value)
      out.append(*value);
    else
      out.push_back('{');
    i = open + length;
  }
  out.append(body.substr(std::min(i, body.size())));
  return out;
}

}  // namespace msgcenter
