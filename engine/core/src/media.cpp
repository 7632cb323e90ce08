#include "msgcenter/core/media.hpp"

#include <algorithm>
#include <string>

#include "msgcenter/core/text.hpp"

namespace msgcenter {
namespace {

constexpr std::string_view kSupportedTypes[] = {
    "image/jpeg", "image/png",  "image/gif",  "image/webp",
    "video/mp4",  "audio/mpeg", "text/vcard", "application/pdf",
};

}  // namespace

status validate_body(std::string_view body) {
  if (!is_valid_utf8(body)) return make_error(errc::invalid_argument, "body is not valid UTF-8");
  if (count_code_points(body) > kMaxBodyChars)
    return make_error(errc::body_too_long,
                      "body is longer than " + std::to_string(kMaxBodyChars) + " characters");
  return unit{};
}

bool is_supported_media_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  if (semicolon != std::string_view::npos) content_type = content_type.substr(0, semicolon);
  const std::string type = ascii_lower(trim(content_type));
  for (auto supported : kSupportedTypes)
    if (type == supported) return true;
  return false;
}

status validate_media_url(std::string_view url, media_rules rules) {
  if (url.size() > kMaxMediaUrlBytes)
    return make_error(errc::invalid_argument,
                      "url is longer than " + std::to_string(kMaxMediaUrlBytes) + " bytes");
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7f)
      return make_error(errc::invalid_argument,
                        "url has a space, a control or a non-ASCII character");
  const std::string lower = ascii_lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  const bool https = lower.rfind("https://", 0) == 0 && url.size() > 8;
  const bool http = rules.allow_http && lower.rfind("http://", 0) == 0 && url.size() > 7;
  if (!https && !http)
    return make_error(errc::invalid_argument,
                      rules.allow_http ? "url must be http or https" : "url must be https");
  return unit{};
}

status validate_media(const std::vector<media_item>& media, media_rules rules) {
  if (media.size() > kMaxMediaItems)
    return make_error(errc::attachment_too_large,
                      "more than " + std::to_string(kMaxMediaItems) + " attachments");
  for (std::size_t i = 0; i < media.size(); ++i) {
    const auto& item = media[i];
    const std::string which = "attachment " + std::to_string(i + 1);
    if (item.url.empty()) return make_error(errc::invalid_argument, which + " has no url");
    if (auto ok = validate_media_url(item.url, rules); !ok)
      return make_error(errc::invalid_argument, which + ": " + ok.error().message);
    if (!is_supported_media_type(item.content_type))
      return make_error(errc::unsupported_media, which + " has an unsupported content type");
    if (item.size > kMaxMediaBytes)
      return make_error(errc::attachment_too_large,
                        which + " is larger than " + std::to_string(kMaxMediaBytes) + " bytes");
  }
  return unit{};
}

}  // namespace msgcenter
