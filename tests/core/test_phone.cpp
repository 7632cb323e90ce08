// spec "Contacts and linking": phones are E.164 via libphonenumber; sending needs a mobile.
#include <gtest/gtest.h>

#include <string>

#include "msgcenter/core/phone.hpp"

namespace msgcenter {
namespace {

TEST(Phone, UsNumberInCommonFormats_NormalizesToSameE164) {
  for (const char* raw : {"(650) 253-0000", "650.253.0000", "650 253 0000", "6502530000",
                          "1-650-253-0000", "+1 650 253 0000", "+16502530000"}) {
    auto r = normalize_phone(raw, "US");
    ASSERT_TRUE(r.ok()) << raw << ": " << r.error().message;
    EXPECT_EQ(*r, "+16502530000") << raw;
  }
}

TEST(Phone, InternationalPrefixFromAnotherRegion_KeepsItsCountry) {
  auto plus = normalize_phone("+1 650 253 0000", "GB");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(*plus, "+16502530000");
  auto idd = normalize_phone("00 1 650 253 0000", "GB");
  ASSERT_TRUE(idd.ok());
  EXPECT_EQ(*idd, "+16502530000");
}

TEST(Phone, NationalNumberInGbRegion_GetsCountryCode44) {
  auto r = normalize_phone("07911 123456", "GB");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "+447911123456");
}

TEST(Phone, LowerCaseRegion_IsAccepted) {
  auto r = normalize_phone("650 253 0000", "us");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "+16502530000");
}

TEST(Phone, Garbage_IsInvalidPhone) {
  for (const char* raw : {"garbage", "", "   ", "call me"}) {
    auto r = normalize_phone(raw, "US");
    ASSERT_FALSE(r.ok()) << raw;
    EXPECT_EQ(r.error().code, errc::invalid_phone) << raw;
  }
}

TEST(Phone, TooShortNumber_IsInvalidPhone) {
  auto r = normalize_phone("12345", "US");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_phone);
}

TEST(Phone, NationalNumberWithUnknownRegion_IsInvalidPhone) {
  for (const char* region : {"", "XX"}) {
    auto r = normalize_phone("650 253 0000", region);
    ASSERT_FALSE(r.ok()) << region;
    EXPECT_EQ(r.error().code, errc::invalid_phone);
  }
}

TEST(Phone, InputLongerThanAnyNumber_IsInvalidPhone) {
  auto r = normalize_phone(std::string(1000, '5'), "US");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_phone);
}

TEST(Phone, LandlineIsAValidPhone_ButNotMobile) {
  auto phone = normalize_phone("+44 20 7946 0958", "GB");
  ASSERT_TRUE(phone.ok());
  EXPECT_EQ(*phone, "+442079460958");

  auto mobile = normalize_mobile("+44 20 7946 0958", "GB");
  ASSERT_FALSE(mobile.ok());
  EXPECT_EQ(mobile.error().code, errc::not_mobile);
}

TEST(Phone, GbMobile_IsMobile) {
  auto r = normalize_mobile("+44 7911 123456", "GB");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "+447911123456");
}

TEST(Phone, UsFixedLineOrMobile_MayBeMobile) {
  auto r = normalize_mobile("(650) 253-0000", "US");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "+16502530000");
}

TEST(Phone, VoipAndPersonalNumbers_AreAccepted) {
  auto voip = normalize_mobile("+44 56 0123 4567", "GB");  // UK 056: VoIP
  ASSERT_TRUE(voip.ok()) << voip.error().message;
  EXPECT_EQ(*voip, "+445601234567");
  auto personal = normalize_mobile("+44 70 1234 5678", "GB");  // UK 070: personal number
  ASSERT_TRUE(personal.ok()) << personal.error().message;
  EXPECT_EQ(*personal, "+447012345678");
}

TEST(Phone, TollFreePremiumSharedCostPagerUan_AreNotMobile) {
  for (const char* raw : {"+1 800 275 2273",      // toll free
                          "+1 900 555 1234",      // premium rate
                          "+44 843 123 4567",     // shared cost
                          "+44 7640 123456",      // pager
                          "+44 345 123 4567"}) {  // UAN
    ASSERT_TRUE(normalize_phone(raw, "US").ok()) << raw;
    auto r = normalize_mobile(raw, "US");
    ASSERT_FALSE(r.ok()) << raw;
    EXPECT_EQ(r.error().code, errc::not_mobile) << raw;
  }
}

TEST(Phone, InvalidNumber_IsInvalidPhoneNotNotMobile) {
  auto r = normalize_mobile("12345", "US");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_phone);
}

TEST(Phone, Digits_KeepsOnlyAsciiDigitsInOrder) {
  EXPECT_EQ(phone_digits("+1 (650) 253-0000"), "16502530000");
  EXPECT_EQ(phone_digits("+447911123456"), "447911123456");
  EXPECT_EQ(phone_digits("no digits"), "");
  EXPECT_EQ(phone_digits(""), "");
}

}  // namespace
}  // namespace msgcenter
