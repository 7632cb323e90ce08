// spec "Export": RFC 4180 CSV, UTF-8, CRLF; `created`/`time` in the business's IANA zone.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "msgcenter/core/csv.hpp"

namespace msgcenter {
namespace {

using rows = std::vector<std::vector<std::string>>;

// An RFC 4180 reader written independently of csv_writer: a state machine over bytes.
// Returns nullopt-like empty optional on malformed input (via ok flag).
rows parse_rfc4180(const std::string& doc, bool& ok) {
  enum class st { field_start, unquoted, quoted, quote_in_quoted, cr };
  rows out;
  std::vector<std::string> row;
  std::string field;
  st s = st::field_start;
  ok = true;
  auto end_field = [&] {
    row.push_back(field);
    field.clear();
  };
  auto end_row = [&] {
    end_field();
    out.push_back(row);
    row.clear();
  };
  for (char c : doc) {
    switch (s) {
      case st::field_start:
        if (c == '"') {
          s = st::quoted;
          break;
        }
        s = st::unquoted;
        [[fallthrough]];
      case st::unquoted:
        if (c == ',') {
          end_field();
          s = st::field_start;
        } else if (c == '\r') {
          s = st::cr;
        } else if (c == '"' || c == '\n') {
          ok = false;  // bare quote or bare LF: not what the writer may produce
          return out;
        } else {
          field.push_back(c);
        }
        break;
      case st::quoted:
        if (c == '"')
          s = st::quote_in_quoted;
        else
          field.push_back(c);
        break;
      case st::quote_in_quoted:
        if (c == '"') {
          field.push_back('"');
          s = st::quoted;
        } else if (c == ',') {
          end_field();
          s = st::field_start;
        } else if (c == '\r') {
          s = st::cr;
        } else {
          ok = false;
          return out;
        }
        break;
      case st::cr:
        if (c != '\n') {
          ok = false;
          return out;
        }
        end_row();
        s = st::field_start;
        break;
    }
  }
  // Every row, the last one included, must have ended with CRLF.
  if (s != st::field_start || !row.empty() || !field.empty()) ok = false;
  return out;
}

std::string write_rows(const rows& input) {
  csv_writer w;
  for (const auto& r : input) {
    std::vector<std::string_view> fields(r.begin(), r.end());
    w.row(fields);
  }
  return w.str();
}

const rows kNasty = {
    {"message_id", "thread_id", "message"},
    {"m1", "c1", "plain"},
    {"m2", "c1", "comma, inside"},
    {"m3", "c1", "she said \"hi\""},
    {"m4", "c1", "line one\r\nline two\nline three\rline four"},
    {"m5", "c1", "\"\"\""},
    {"m6", "", ""},
    {"m7", "c1", "emoji \xF0\x9F\x98\x80 and \xC3\xA9 and \xE2\x82\xAC"},
    {"m8", "c1", ",\",\r\n,"},
    {"m9", "c1", " leading and trailing spaces "},
    {"m10", "c1", "=HYPERLINK(\"x\")"},
    {"m11", "only a\rcarriage return", "\r"},
};

TEST(Csv, PlainFields_AreNotQuoted_AndRowsEndWithCrlf) {
  csv_writer w;
  w.row({"a", "b c", ""});
  w.row({"1"});
  EXPECT_EQ(w.str(), "a,b c,\r\n1\r\n");
}

TEST(Csv, FieldWithComma_IsQuoted) {
  csv_writer w;
  w.row({"a,b", "c"});
  EXPECT_EQ(w.str(), "\"a,b\",c\r\n");
}

TEST(Csv, FieldWithQuote_IsQuotedWithQuotesDoubled) {
  csv_writer w;
  w.row({"say \"hi\""});
  EXPECT_EQ(w.str(), "\"say \"\"hi\"\"\"\r\n");
}

TEST(Csv, FieldWithCrOrLf_IsQuoted) {
  csv_writer w;
  w.row({"a\nb", "c\rd", "e\r\nf"});
  EXPECT_EQ(w.str(), "\"a\nb\",\"c\rd\",\"e\r\nf\"\r\n");
}

TEST(Csv, EmojiAndAccents_AreCopiedUnquotedByteForByte) {
  csv_writer w;
  w.row({"Zo\xC3\xAB \xF0\x9F\x98\x80"});
  EXPECT_EQ(w.str(), "Zo\xC3\xAB \xF0\x9F\x98\x80\r\n");
}

TEST(Csv, EmptyRow_IsAnEmptyLine) {
  csv_writer w;
  w.row({});
  EXPECT_EQ(w.str(), "\r\n");
}

TEST(Csv, Take_MovesTheDocumentOutAndEmptiesTheWriter) {
  csv_writer w;
  w.row({"a"});
  EXPECT_EQ(w.take(), "a\r\n");
  EXPECT_EQ(w.str(), "");
  w.row({"b"});
  EXPECT_EQ(w.str(), "b\r\n");
}

TEST(Csv, ExportColumns_AreTheSpecsElevenInOrder) {
  csv_writer w;
  std::vector<std::string_view> header(std::begin(kExportColumns), std::end(kExportColumns));
  w.row(header);
  EXPECT_EQ(
      w.str(),
      "message_id,thread_id,created,time,full_name,from,to,direction,kind,status,message\r\n");
}

TEST(Csv, FormulaLookingCells_StartWithEqualsPlusMinusAtTabOrCr) {
  for (const char* cell : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=", "+"})
    EXPECT_TRUE(looks_like_formula(cell)) << cell;
  for (const char* cell : {"", "hello", " =1+1", "1+1", "'=1+1", "a=b", "\n=1", "\xE2\x80\x8B=1"})
    EXPECT_FALSE(looks_like_formula(cell)) << cell;
}

TEST(Csv, FormulaLookingCell_IsPrefixedWithASingleQuote_OthersUnchanged) {
  EXPECT_EQ(neutralize_formula("=HYPERLINK(\"https://evil.example\")"),
            "'=HYPERLINK(\"https://evil.example\")");
  EXPECT_EQ(neutralize_formula("+1 555"), "'+1 555");
  EXPECT_EQ(neutralize_formula("-2"), "'-2");
  EXPECT_EQ(neutralize_formula("@me"), "'@me");
  EXPECT_EQ(neutralize_formula("\tindented"), "'\tindented");
  EXPECT_EQ(neutralize_formula("\rback"), "'\rback");
  EXPECT_EQ(neutralize_formula("See you at 3pm"), "See you at 3pm");
  EXPECT_EQ(neutralize_formula(""), "");
  EXPECT_EQ(neutralize_formula("'=already quoted"), "'=already quoted");
}

TEST(Csv, NeutralizedCell_StillRoundTripsThroughRfc4180) {
  // The quote is part of the cell; the writer's quoting applies on top of it.
  csv_writer w;
  auto cell = neutralize_formula("=HYPERLINK(\"x\",\"y\")");
  w.row({"m1", cell});
  EXPECT_EQ(w.str(), "m1,\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"\r\n");
  bool ok = false;
  auto back = parse_rfc4180(w.str(), ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0][1], cell);
}

TEST(Csv, NastyRows_RoundTripThroughAnIndependentParser) {
  bool ok = false;
  auto parsed = parse_rfc4180(write_rows(kNasty), ok);
  ASSERT_TRUE(ok);
  EXPECT_EQ(parsed, kNasty);
}

std::string to_hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

TEST(Csv, NastyRows_RoundTripThroughPythonCsvModule) {
  if (std::system("python3 -c 'import csv' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 not available";
  const std::string path =
      ::testing::TempDir() + "msgcenter_csv_" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream f(path, std::ios::binary);
    f << write_rows(kNasty);
  }
  // Python prints each parsed field as hex of its UTF-8 bytes: no quoting questions on the way
  // back. A blank field prints as "-" so that it is still a token.
  const std::string cmd =
      "python3 -c \"import csv,sys\n"
      "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
      "  for r in csv.reader(f, strict=True):\n"
      "    print(' '.join(x.encode('utf-8').hex() or '-' for x in r))\" " +
      path;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  const int rc = ::pclose(p);
  std::remove(path.c_str());
  ASSERT_EQ(rc, 0) << output;

  std::string expected;
  for (const auto& r : kNasty) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) expected.push_back(' ');
      expected += r[i].empty() ? "-" : to_hex(r[i]);
    }
    expected.push_back('\n');
  }
  EXPECT_EQ(output, expected);
}

void expect_local(millis at, const char* zone, const char* date, const char* time) {
  auto r = format_local_time(at, zone);
  ASSERT_TRUE(r.ok()) << zone << ": " << r.error().message;
  EXPECT_EQ(r->date, date) << zone << " " << at;
  EXPECT_EQ(r->time, time) << zone << " " << at;
}

TEST(LocalTime, Utc_FormatsDateAndTime) {
  expect_local(0, "UTC", "1970-01-01", "00:00:00");
  expect_local(1700000000000, "UTC", "2023-11-14", "22:13:20");
  expect_local(1709210096999, "UTC", "2024-02-29", "12:34:56");  // leap day, ms truncated
}

TEST(LocalTime, BeforeTheEpoch_BelongsToThePreviousDay) {
  expect_local(-1, "UTC", "1969-12-31", "23:59:59");
  expect_local(-86400000, "UTC", "1969-12-31", "00:00:00");
}

TEST(LocalTime, NewYork_UsesEstBeforeSpringForwardAndEdtAfter) {
  constexpr millis kSpringForward = 1710054000000;  // 2024-03-10T07:00:00Z
  expect_local(kSpringForward - 1000, "America/New_York", "2024-03-10", "01:59:59");
  expect_local(kSpringForward, "America/New_York", "2024-03-10", "03:00:00");
}

TEST(LocalTime, NewYork_RepeatsOneAmAtFallBack) {
  constexpr millis kFallBack = 1730613600000;  // 2024-11-03T06:00:00Z
  expect_local(kFallBack - 1000, "America/New_York", "2024-11-03", "01:59:59");
  expect_local(kFallBack, "America/New_York", "2024-11-03", "01:00:00");
}

TEST(LocalTime, NewYork_EarlyUtcMorningIsThePreviousLocalDay) {
  expect_local(1704078000000, "America/New_York", "2023-12-31", "22:00:00");
}

TEST(LocalTime, Kolkata_IsFiveAndAHalfHoursAhead) {
  expect_local(1704067200000, "Asia/Kolkata", "2024-01-01", "05:30:00");
  expect_local(1704052800000, "Asia/Kolkata", "2024-01-01", "01:30:00");
}

TEST(LocalTime, UnknownZone_IsInvalidArgument) {
  for (const char* zone : {"Mars/Olympus_Mons", "", "utc", "Etc/Unknown", "America/New York"}) {
    auto r = format_local_time(0, zone);
    ASSERT_FALSE(r.ok()) << zone;
    EXPECT_EQ(r.error().code, errc::invalid_argument) << zone;
  }
}

TEST(LocalTime, UnknownZoneAskedTwice_IsStillInvalid) {
  EXPECT_FALSE(format_local_time(0, "Nowhere/Town").ok());
  EXPECT_FALSE(format_local_time(0, "Nowhere/Town").ok());
  EXPECT_TRUE(format_local_time(0, "Europe/London").ok());
  EXPECT_TRUE(format_local_time(0, "Europe/London").ok());  // served from the cache
}

TEST(LocalTime, YearsOutside0001To9999_AreInvalidArgument) {
  expect_local(-62135596800000, "UTC", "0001-01-01", "00:00:00");
  expect_local(253402300799999, "UTC", "9999-12-31", "23:59:59");
  for (millis at : {millis{-62135596800001}, millis{253402300800000}, INT64_MIN, INT64_MAX}) {
    auto r = format_local_time(at, "UTC");
    ASSERT_FALSE(r.ok()) << at;
    EXPECT_EQ(r.error().code, errc::invalid_argument);
  }
}

TEST(LocalTime, ConcurrentCallers_AllGetTheRightAnswer) {
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &failures] {
      const char* zone = t % 2 ? "Asia/Kolkata" : "America/New_York";
      const char* want = t % 2 ? "05:30:00" : "19:00:00";
      for (int i = 0; i < 200; ++i) {
        auto r = format_local_time(1704067200000, zone);
        if (!r.ok() || r->time != want) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace msgcenter
