// spec "Messages": encoding and segments. GSM-7 160 / 153 septets, extension chars cost 2;
// UCS-2 70 / 67 UTF-16 units.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "msgcenter/core/segments.hpp"

namespace msgcenter {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

const std::string kEuro = "\xE2\x82\xAC";          // €, GSM-7 extension table
const std::string kLWithStroke = "\xC5\x82";       // ł, not in GSM-7
const std::string kGrinning = "\xF0\x9F\x98\x80";  // 😀 U+1F600, a surrogate pair in UTF-16

TEST(Segments, EmptyBody_IsOneGsm7SegmentOfZeroUnits) {
  auto s = count_segments("");
  EXPECT_EQ(s.encoding, text_encoding::gsm7);
  EXPECT_EQ(s.segments, 1u);
  EXPECT_EQ(s.units, 0u);
}

TEST(Segments, Gsm7_160CharsFitOneSegment) {
  auto s = count_segments(repeat("a", 160));
  EXPECT_EQ(s.encoding, text_encoding::gsm7);
  EXPECT_EQ(s.units, 160u);
  EXPECT_EQ(s.segments, 1u);
}

TEST(Segments, Gsm7_161CharsNeedsTwoSegments) {
  auto s = count_segments(repeat("a", 161));
  EXPECT_EQ(s.encoding, text_encoding::gsm7);
  EXPECT_EQ(s.units, 161u);
  EXPECT_EQ(s.segments, 2u);
}

TEST(Segments, Gsm7_306CharsNeedTwoSegments_307NeedThree) {
  EXPECT_EQ(count_segments(repeat("a", 306)).segments, 2u);
  EXPECT_EQ(count_segments(repeat("a", 307)).segments, 3u);
  EXPECT_EQ(count_segments(repeat("a", 459)).segments, 3u);
  EXPECT_EQ(count_segments(repeat("a", 460)).segments, 4u);
}

TEST(Segments, Gsm7_ExtensionCharCountsTwoUnits) {
  for (const std::string& ext :
       std::vector<std::string>{"^", "{", "}", "\\", "[", "~", "]", "|", "\f", kEuro}) {
    auto s = count_segments(ext);
    EXPECT_EQ(s.encoding, text_encoding::gsm7) << ext;
    EXPECT_EQ(s.units, 2u) << ext;
  }
}

TEST(Segments, Gsm7_158CharsPlusEuroFitOneSegment) {
  auto s = count_segments(repeat("a", 158) + kEuro);
  EXPECT_EQ(s.units, 160u);
  EXPECT_EQ(s.segments, 1u);
}

TEST(Segments, Gsm7_159CharsPlusEuroAre161UnitsInTwoSegments) {
  auto s = count_segments(repeat("a", 159) + kEuro);
  EXPECT_EQ(s.encoding, text_encoding::gsm7);
  EXPECT_EQ(s.units, 161u);
  EXPECT_EQ(s.segments, 2u);
}

TEST(Segments, Gsm7_EuroStraddlingThe153Boundary_MovesToNextPart) {
  // 152 + 2 + 152 = 306 units would fit two parts of 153 if the escape pair could be split;
  // it cannot, so the euro opens part two (2 + 152 = 154 > 153) and a third part is needed.
  auto straddling = count_segments(repeat("a", 152) + kEuro + repeat("a", 152));
  EXPECT_EQ(straddling.units, 306u);
  EXPECT_EQ(straddling.segments, 3u);

  // The same units with the euro not on the boundary fit in two parts.
  auto aligned = count_segments(repeat("a", 151) + kEuro + repeat("a", 153));
  EXPECT_EQ(aligned.units, 306u);
  EXPECT_EQ(aligned.segments, 2u);
}

TEST(Segments, Gsm7_AllOfTheDefaultAlphabetStaysGsm7) {
  const std::string alphabet =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  auto s = count_segments(alphabet);
  EXPECT_EQ(s.encoding, text_encoding::gsm7);
  EXPECT_EQ(s.units, 127u);  // 128 positions minus the escape
}

TEST(Segments, CharsOutsideGsm7_SwitchToUcs2) {
  for (std::string c :
       {kLWithStroke, std::string("`"), std::string("\t"), std::string("á"), kGrinning}) {
    EXPECT_EQ(count_segments("hello " + c).encoding, text_encoding::ucs2) << c;
  }
}

TEST(Segments, OneNonGsmChar_MakesTheWholeBodyUcs2Units) {
  auto s = count_segments(repeat("a", 69) + kLWithStroke);
  EXPECT_EQ(s.encoding, text_encoding::ucs2);
  EXPECT_EQ(s.units, 70u);
  EXPECT_EQ(s.segments, 1u);
}

TEST(Segments, Ucs2_ExtensionCharCountsOneUnit) {
  auto s = count_segments(kLWithStroke + kEuro + "{");
  EXPECT_EQ(s.encoding, text_encoding::ucs2);
  EXPECT_EQ(s.units, 3u);
}

TEST(Segments, Ucs2_70UnitsFitOneSegment_71NeedTwo) {
  auto s70 = count_segments(repeat(kLWithStroke, 70));
  EXPECT_EQ(s70.units, 70u);
  EXPECT_EQ(s70.segments, 1u);
  auto s71 = count_segments(repeat(kLWithStroke, 71));
  EXPECT_EQ(s71.units, 71u);
  EXPECT_EQ(s71.segments, 2u);
}

TEST(Segments, Ucs2_134UnitsNeedTwoSegments_135NeedThree) {
  EXPECT_EQ(count_segments(repeat(kLWithStroke, 134)).segments, 2u);
  EXPECT_EQ(count_segments(repeat(kLWithStroke, 135)).segments, 3u);
}

TEST(Segments, Ucs2_EmojiCountsTwoUnits) {
  auto s = count_segments(kGrinning);
  EXPECT_EQ(s.encoding, text_encoding::ucs2);
  EXPECT_EQ(s.units, 2u);
  EXPECT_EQ(count_segments(repeat(kGrinning, 35)).segments, 1u);  // 70 units
  EXPECT_EQ(count_segments(repeat(kGrinning, 36)).segments, 2u);  // 72 units
}

TEST(Segments, Ucs2_EmojiStraddlingThe67Boundary_MovesToNextPart) {
  // 66 + 2 + 66 = 134 units: two parts if the pair could be split, three because it cannot.
  auto straddling = count_segments(repeat(kLWithStroke, 66) + kGrinning + repeat("a", 66));
  EXPECT_EQ(straddling.units, 134u);
  EXPECT_EQ(straddling.segments, 3u);

  auto aligned = count_segments(repeat(kLWithStroke, 65) + kGrinning + repeat("a", 67));
  EXPECT_EQ(aligned.units, 134u);
  EXPECT_EQ(aligned.segments, 2u);
}

TEST(Segments, MaximumBodyOf1600Chars_CountsBothEncodings) {
  EXPECT_EQ(count_segments(repeat("a", 1600)).segments, 11u);           // ceil(1600 / 153)
  EXPECT_EQ(count_segments(repeat(kLWithStroke, 1600)).segments, 24u);  // ceil(1600 / 67)
}

TEST(Segments, InvalidUtf8Byte_CountsAsOneUcs2Unit) {
  auto s = count_segments("ab\xFF");
  EXPECT_EQ(s.encoding, text_encoding::ucs2);
  EXPECT_EQ(s.units, 3u);
}

}  // namespace
}  // namespace msgcenter
