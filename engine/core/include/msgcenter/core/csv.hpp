// The pieces of the CSV export (spec "Export"): an RFC 4180 writer and the business-local
// date and time columns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msgcenter/core/error.hpp"
#include "msgcenter/core/types.hpp"

namespace msgcenter {

/// The export's header row, in order.
inline constexpr const char* kExportColumns[] = {
    "message_id", "thread_id", "created", "time",   "full_name", "from",
    "to",         "direction", "kind",    "status", "message",
};

/// Builds an RFC 4180 document in memory: CRLF after every row (the last one too), and a
/// field quoted exactly when it holds a comma, a double quote, CR or LF, with its quotes
/// doubled. Bytes are copied as given (UTF-8 in, UTF-8 out; no BOM), so a field survives any
/// RFC 4180 reader byte for byte.
/// Not thread-safe; one writer per export.
class csv_writer {
 public:
  /// Appends one row. An empty `fields` appends an empty line (a row of one empty field).
  void row(const std::vector<std::string_view>& fields);

  /// Everything written so far.
  [[nodiscard]] const std::string& str() const noexcept { return out_; }

  /// Moves the document out, leaving the writer empty (for streaming in chunks).
  [[nodiscard]] std::string take() noexcept;

 private:
  std::string out_;
};

/// Whether a spreadsheet program could take `cell` for a formula (OWASP "CSV injection"):
/// it starts with `=`, `+`, `-`, `@`, a tab or a carriage return. Never fails.
[[nodiscard]] bool looks_like_formula(std::string_view cell) noexcept;

/// `cell` as text a spreadsheet program shows and does not evaluate: prefixed with a single
/// quote `'` when looks_like_formula, else unchanged (OWASP's advice). The export applies it
/// to the cells that carry text from outside the engine (the contact's name, the message
/// body); the other columns are the engine's own ids, dates, E.164 phones and enum
/// spellings. The quote is part of the cell: an RFC 4180 reader gets `'=1+1` back.
[[nodiscard]] std::string neutralize_formula(std::string_view cell);

/// A moment as the export's `created` (YYYY-MM-DD) and `time` (HH:MM:SS, 24-hour, seconds
/// truncated) columns.
struct local_time_parts {
  std::string date;
  std::string time;
};

/// `at` in IANA time zone `iana_zone` (e.g. "UTC", "America/New_York", "Asia/Kolkata"; names
/// are case-sensitive, as in the tz database; ICU's custom "GMT+05:30" form is accepted),
/// with the zone's UTC offset and daylight saving time at that moment, in the proleptic
/// Gregorian calendar.
/// Thread-safe: zones are looked up once per name and cached behind a mutex.
/// Errors: `invalid_argument` when ICU does not know `iana_zone` (including "" and
/// "Etc/Unknown"), or `at` is outside years 0001..9999.
[[nodiscard]] result<local_time_parts> format_local_time(millis at, std::string_view iana_zone);

}  // namespace msgcenter
