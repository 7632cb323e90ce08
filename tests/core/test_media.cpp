// spec "Messages": body valid UTF-8 of at most 1600 characters; 0..10 media items of at most
// 5,242,880 bytes with an accepted content type.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "msgcenter/core/media.hpp"

namespace msgcenter {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

media_item jpeg(std::uint64_t size = 1000) {
  return media_item{"https://cdn.example.com/a.jpg", "image/jpeg", size};
}

TEST(Media, EmptyBody_IsValid) { EXPECT_TRUE(validate_body("").ok()); }

TEST(Media, Body1600AsciiChars_IsValid_1601IsTooLong) {
  EXPECT_TRUE(validate_body(repeat("a", 1600)).ok());
  auto r = validate_body(repeat("a", 1601));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::body_too_long);
}

TEST(Media, BodyLimitCountsCharactersNotBytes) {
  // 1600 four-byte emoji are 6400 bytes and still 1600 characters.
  EXPECT_TRUE(validate_body(repeat("\xF0\x9F\x98\x80", 1600)).ok());
  EXPECT_TRUE(validate_body(repeat("\xC3\xA9", 1600)).ok());  // é
  auto r = validate_body(repeat("\xC3\xA9", 1600) + "\xE2\x82\xAC");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::body_too_long);
}

TEST(Media, InvalidUtf8Body_IsInvalidArgument) {
  for (std::string bad : {std::string("\xFF"), std::string("ab\xC3"), std::string("\xC0\xAF"),
                          std::string("\xED\xA0\x80")}) {  // stray, truncated, overlong, surrogate
    auto r = validate_body(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, errc::invalid_argument);
  }
}

TEST(Media, InvalidUtf8OverLength_IsInvalidArgumentFirst) {
  auto r = validate_body(repeat("a", 2000) + "\xFF");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
}

TEST(Media, NoMedia_IsValid) { EXPECT_TRUE(validate_media({}).ok()); }

TEST(Media, TenItems_AreValid_ElevenAreTooLarge) {
  EXPECT_TRUE(validate_media(std::vector<media_item>(10, jpeg())).ok());
  auto r = validate_media(std::vector<media_item>(11, jpeg()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::attachment_too_large);
}

TEST(Media, ItemOfExactly5MiB_IsValid_OneByteMoreIsTooLarge) {
  EXPECT_TRUE(validate_media({jpeg(5242880)}).ok());
  auto r = validate_media({jpeg(5242881)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::attachment_too_large);
}

TEST(Media, OneOversizedItemAmongSmallOnes_IsTooLarge) {
  auto r = validate_media({jpeg(), jpeg(), jpeg(kMaxMediaBytes + 1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::attachment_too_large);
}

TEST(Media, EachAcceptedType_IsValid) {
  for (const char* type : {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",
                           "audio/mpeg", "text/vcard", "application/pdf"}) {
    EXPECT_TRUE(validate_media({{"https://x/y", type, 10}}).ok()) << type;
  }
}

TEST(Media, TypeInAnyCaseOrWithParameters_IsAccepted) {
  for (const char* type : {"IMAGE/JPEG", "Image/Png", "text/vcard; charset=utf-8",
                           "image/jpeg;name=a.jpg", " image/gif ", "application/pdf ; q=1"}) {
    EXPECT_TRUE(validate_media({{"https://x/y", type, 10}}).ok()) << type;
  }
}

TEST(Media, OtherTypes_AreUnsupportedMedia) {
  for (const char* type : {"image/tiff", "image/jpg", "application/zip", "text/plain", "image", "",
                           "image/jpegx", "video/mp4x", "image/svg+xml"}) {
    auto r = validate_media({{"https://x/y", type, 10}});
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_EQ(r.error().code, errc::unsupported_media) << type;
  }
}

TEST(Media, EmptyUrl_IsInvalidArgument) {
  auto r = validate_media({jpeg(), {"", "image/png", 10}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
}

TEST(Media, TooManyItems_IsReportedBeforeItemProblems) {
  std::vector<media_item> items(11, media_item{"", "text/plain", kMaxMediaBytes + 1});
  auto r = validate_media(items);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::attachment_too_large);
}

TEST(Media, SupportedTypePredicate_MatchesValidateMedia) {
  EXPECT_TRUE(is_supported_media_type("Video/MP4; codecs=avc1"));
  EXPECT_FALSE(is_supported_media_type("video/quicktime"));
}

// Security review L8: an attachment URL reaches a staff member's browser and the carrier's
// fetcher, so only https (http where configured), bounded, printable ASCII.
TEST(MediaUrl, OnlyHttps_UnlessHttpIsAllowed) {
  EXPECT_TRUE(validate_media_url("https://cdn.example.com/a.jpg").ok());
  EXPECT_TRUE(validate_media_url("HTTPS://cdn.example.com/a.jpg").ok()) << "the scheme in any case";
  for (auto bad :
       {"http://cdn.example.com/a.jpg", "javascript:alert(1)", "data:image/png;base64,AA",
        "file:///etc/passwd", "/relative/a.jpg", "https://", "ftp://x/a.jpg"}) {
    auto r = validate_media_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, errc::invalid_argument);
    EXPECT_EQ(r.error().message, "url must be https") << bad;
  }
  const media_rules lab{true};
  EXPECT_TRUE(validate_media_url("http://10.0.0.5/a.jpg", lab).ok());
  EXPECT_TRUE(validate_media_url("https://cdn.example.com/a.jpg", lab).ok());
  EXPECT_EQ(validate_media_url("javascript:alert(1)", lab).error().message,
            "url must be http or https");
}

TEST(MediaUrl, At2048BytesIsValid_LongerOrWithSpacesOrControlsIsNot) {
  const std::string base = "https://cdn.example.com/";
  EXPECT_TRUE(validate_media_url(base + std::string(kMaxMediaUrlBytes - base.size(), 'a')).ok());
  auto long_url = validate_media_url(base + std::string(kMaxMediaUrlBytes - base.size() + 1, 'a'));
  ASSERT_FALSE(long_url.ok());
  EXPECT_EQ(long_url.error().message, "url is longer than 2048 bytes");
  for (auto bad :
       {std::string("https://cdn.example.com/a b.jpg"),
        std::string("https://cdn.example.com/a\n.jpg"),
        std::string("https://cdn.example.com/\xc3\xa9.jpg"), std::string("https://x/\x7f")}) {
    auto r = validate_media_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message, "url has a space, a control or a non-ASCII character");
  }
}

TEST(MediaUrl, AnItemWithABadUrl_IsRefusedNamingTheItem) {
  std::vector<media_item> items{jpeg(), media_item{"javascript:alert(1)", "image/png", 10}};
  auto r = validate_media(items);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_EQ(r.error().message, "attachment 2: url must be https");
}

}  // namespace
}  // namespace msgcenter
