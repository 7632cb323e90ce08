#include "msgcenter/core/segments.hpp"

#include <utf8proc.h>

#include <vector>

namespace msgcenter {
namespace {

// Cost in septets of one code point in GSM-7: 1 (default alphabet), 2 (extension table), or 0
// when GSM-7 cannot carry it.
unsigned gsm7_cost(std::int32_t cp) {
  if (cp < 0x80) {
    // Printable ASCII except the extension characters and the three ASCII characters the
    // default alphabet replaced ('`' is absent; '$' '@' '_' are present at other positions).
    switch (cp) {
      case '\n':
      case '\r':
        return 1;
      case '\f':
      case '^':
      case '{':
      case '}':
      case '\\':
      case '[':
      case ']':
      case '~':
      case '|':
        return 2;
      case '`':
        return 0;
      default:
        return (cp >= 0x20 && cp < 0x7F) ? 1 : 0;
    }
  }
  switch (cp) {
    case 0x20AC:  // €
      return 2;
    case 0x00A3:  // £
    case 0x00A5:  // ¥
    case 0x00E8:  // è
    case 0x00E9:  // é
    case 0x00F9:  // ù
    case 0x00EC:  // ì
    case 0x00F2:  // ò
    case 0x00C7:  // Ç
    case 0x00D8:  // Ø
    case 0x00F8:  // ø
    case 0x00C5:  // Å
    case 0x00E5:  // å
    case 0x0394:  // Δ
    case 0x03A6:  // Φ
    case 0x0393:  // Γ
    case 0x039B:  // Λ
    case 0x03A9:  // Ω
    case 0x03A0:  // Π
    case 0x03A8:  // Ψ
    case 0x03A3:  // Σ
    case 0x0398:  // Θ
    case 0x039E:  // Ξ
    case 0x00C6:  // Æ
    case 0x00E6:  // æ
    case 0x00DF:  // ß
    case 0x00C9:  // É
    case 0x00A4:  // ¤
    case 0x00A1:  // ¡
    case 0x00C4:  // Ä
    case 0x00D6:  // Ö
    case 0x00D1:  // Ñ
    case 0x00DC:  // Ü
    case 0x00A7:  // §
    case 0x00BF:  // ¿
    case 0x00E4:  // ä
    case 0x00F6:  // ö
    case 0x00F1:  // ñ
    case 0x00FC:  // ü
    case 0x00E0:  // à
      return 1;
    default:
      return 0;
  }
}

// Decodes `s` into code points; an invalid byte becomes U+FFFD so counting never fails.
std::vector<std::int32_t> code_points(std::string_view s) {
  std::vector<std::int32_t> out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  auto left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) {
      cp = 0xFFFD;
      n = 1;
    }
    out.push_back(cp);
    p += n;
    left -= n;
  }
  return out;
}

// Parts needed when characters of the given costs are packed in order into parts of
// `per_part` units and no character may straddle two parts.
std::uint32_t pack(const std::vector<unsigned>& costs, std::uint32_t per_part) {
  std::uint32_t parts = 1;
  std::uint32_t used = 0;
  for (unsigned c : costs) {
    if (used + c > per_part) {
      ++parts;
      used = 0;
    }
    used += c;
  }
  return parts;
}

}  // namespace

segment_info count_segments(std::string_view utf8_body) {
  const auto cps = code_points(utf8_body);
  std::vector<unsigned> costs;
  costs.reserve(cps.size());

  bool gsm = true;
  std::uint32_t units = 0;
  for (auto cp : cps) {
    unsigned c = gsm7_cost(cp);
    if (c == 0) {
      gsm = false;
      break;
    }
    costs.push_back(c);
    units += c;
  }
  if (gsm) {
    std::uint32_t segments = units <= kGsm7SingleUnits ? 1 : pack(costs, kGsm7PartUnits);
    return {text_encoding::gsm7, segments, units};
  }

  costs.clear();
  units = 0;
  for (auto cp : cps) {
    unsigned c = cp > 0xFFFF ? 2 : 1;
    costs.push_back(c);
    units += c;
  }
  std::uint32_t segments = units <= kUcs2SingleUnits ? 1 : pack(costs, kUcs2PartUnits);
  return {text_encoding::ucs2, segments, units};
}

}  // namespace msgcenter
