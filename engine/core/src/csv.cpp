#include "msgcenter/core/csv.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace msgcenter {

void csv_writer::row(const std::vector<std::string_view>& fields) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out_.push_back(',');
    first = false;
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
      out_.append(f);
      continue;
    }
    out_.push_back('"');
    for (char c : f) {
      if (c == '"') out_.push_back('"');
      out_.push_back(c);
    }
    out_.push_back('"');
  }
  out_.append("\r\n");
}

bool looks_like_formula(std::string_view cell) noexcept {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

std::string neutralize_formula(std::string_view cell) {
  if (!looks_like_formula(cell)) return std::string(cell);
  std::string out;
  out.reserve(cell.size() + 1);
  out.push_back('\'');
  out.append(cell);
  return out;
}

std::string csv_writer::take() noexcept {
  std::string out = std::move(out_);
  out_.clear();  // a moved-from string is valid but unspecified
  return out;
}

namespace {

constexpr millis kMillisPerDay = 86'400'000;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: a zone's offset (under a day) keeps the
// local date within 4-digit years give or take one, which the formatting below still handles.
constexpr millis kMinMillis = -62'135'596'800'000;
constexpr millis kMaxMillis = 253'402'300'799'999;

// Creating an icu::TimeZone parses tz data: do it once per name. Only known zones are cached
// and the cache is bounded, so made-up names cannot grow it.
class zone_cache {
 public:
  // The zone's total UTC offset in ms at `at`, or nullopt for an unknown zone.
  std::optional<std::int32_t> offset_at(std::string_view name, millis at) {
    std::lock_guard<std::mutex> lock(mutex_);
    const icu::TimeZone* tz = nullptr;
    if (auto it = zones_.find(name); it != zones_.end()) {
      tz = it->second.get();
    } else {
      std::unique_ptr<icu::TimeZone> created(
          icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(
              icu::StringPiece(name.data(), static_cast<std::int32_t>(name.size())))));
      if (!created) return std::nullopt;
      // ICU answers an unknown id with a copy of the "Etc/Unknown" zone (offset 0), not an error.
      icu::UnicodeString id;
      created->getID(id);
      if (id == UNICODE_STRING_SIMPLE("Etc/Unknown")) return std::nullopt;
      tz = created.get();
      if (zones_.size() < kMaxZones)
        zones_.emplace(std::string(name), std::move(created));
      else
        overflow_ = std::move(created);  // keeps `tz` alive until the next miss
    }
    std::int32_t raw = 0;
    std::int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    tz->getOffset(static_cast<UDate>(at), false, raw, dst, status);
    if (U_FAILURE(status)) return std::nullopt;
    return raw + dst;
  }

 private:
  static constexpr std::size_t kMaxZones = 1024;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<icu::TimeZone>, std::less<>> zones_;
  std::unique_ptr<icu::TimeZone> overflow_;
};

zone_cache& zones() {
  static zone_cache cache;
  return cache;
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

result<local_time_parts> format_local_time(millis at, std::string_view iana_zone) {
  if (at < kMinMillis || at > kMaxMillis)
    return make_error(errc::invalid_argument, "time is outside years 0001..9999");
  auto offset = zones().offset_at(iana_zone, at);
  if (!offset) return make_error(errc::invalid_argument, "unknown time zone");

  const millis local = at + *offset;
  // Floor division: a moment before 1970 still belongs to the day that contains it.
  millis days = local / kMillisPerDay;
  millis in_day = local % kMillisPerDay;
  if (in_day < 0) {
    in_day += kMillisPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  const auto secs = static_cast<unsigned>(in_day / 1000);

  char date[32];
  char time[16];
  std::snprintf(date, sizeof date, "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
  std::snprintf(time, sizeof time, "%02u:%02u:%02u", secs / 3600, secs / 60 % 60, secs % 60);
  return local_time_parts{date, time};
}

}  // namespace msgcenter
