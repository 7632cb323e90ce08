// msgpack codecs: messages round-trip exactly; the decoder refuses every kind of bad input
// with invalid_argument and never throws.
#include "msgcenter/persistence/codec.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "fuzz/fuzz_codec_entry.hpp"

namespace msgcenter::persistence {
namespace {

using fuzz::same_message;

message full_message() {
  message m;
  m.id = 345;
  m.conversation = 12;
  m.dir = direction::out;
  m.kind = message_kind::campaign;
  m.author = "staff-7";
  m.body = u8"Grüße 👋 — привет, 你好! Reply STOP to opt out.";
  m.media = {media_item{"https://cdn.example.com/a.jpg", "image/jpeg", 123456},
             media_item{u8"https://cdn.example.com/vidéo.mp4", "video/mp4", 5u << 20}};
  m.status = message_status::undelivered;
  m.error_code = "30003";
  m.provider_id = "SM0123456789abcdef";
  m.at = 1'700'000'000'123;
  m.encoding = text_encoding::ucs2;
  m.segments = 3;
  return m;
}

// Packs an arbitrary message-shaped array for negative tests.
template <class F>
std::string pack_with(F&& f) {
  std::string out;
  string_buffer buf(out);
  packer pk(buf);
  f(pk);
  return out;
}

void expect_invalid(std::string_view bytes, std::string_view needle = {}) {
  auto r = decode_message(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  if (!needle.empty()) {
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  }
}

TEST(MessageCodec, FullMessageWithMediaAndUnicode_RoundTrips) {
  const message m = full_message();
  const std::string bytes = encode_message(m);
  auto back = decode_message(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(same_message(m, *back));
  EXPECT_EQ(back->body, m.body);
  ASSERT_EQ(back->media.size(), 2u);
  EXPECT_EQ(back->media[1].url, m.media[1].url);
}

TEST(MessageCodec, DefaultAndExtremeValues_RoundTrip) {
  message defaults;
  auto d = decode_message(encode_message(defaults));
  ASSERT_TRUE(d);
  EXPECT_TRUE(same_message(defaults, *d));

  message m;
  m.id = std::numeric_limits<std::uint64_t>::max();
  m.conversation = std::numeric_limits<std::uint64_t>::max();
  m.at = std::numeric_limits<std::int64_t>::min();
  m.segments = std::numeric_limits<std::uint32_t>::max();
  m.kind = message_kind::system;
  m.status = message_status::failed;
  m.body = std::string("nul\0inside", 10);
  auto x = decode_message(encode_message(m));
  ASSERT_TRUE(x) << x.error().message;
  EXPECT_TRUE(same_message(m, *x));
  m.at = std::numeric_limits<std::int64_t>::max();
  auto y = decode_message(encode_message(m));
  ASSERT_TRUE(y);
  EXPECT_EQ(y->at, m.at);
}

TEST(MessageCodec, EncodingStartsWithTheFormatVersion) {
  auto h = decode(encode_message(full_message()));
  ASSERT_TRUE(h);
  const msgpack::object& o = h->get();
  ASSERT_EQ(o.type, msgpack::type::ARRAY);
  ASSERT_GT(o.via.array.size, 0u);
  EXPECT_EQ(o.via.array.ptr[0].via.u64, message_format_version);
}

TEST(MessageCodec, EveryTruncation_IsRefused) {
  const std::string bytes = encode_message(full_message());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode_message(std::string_view(bytes.data(), n));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(r.error().code, errc::invalid_argument);
  }
}

TEST(MessageCodec, TrailingBytes_AreRefused) {
  expect_invalid(encode_message(full_message()) + "x", "trailing");
}

TEST(MessageCodec, GarbageNeverThrowsOrDecodes) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    auto r = decode_message(junk);
    if (!r) {
      EXPECT_EQ(r.error().code, errc::invalid_argument);
    }
  }
  expect_invalid("");
  expect_invalid("\xc1");  // never used byte
  expect_invalid("hello world");
}

TEST(MessageCodec, HugeInputs_AreRefusedBeforeAllocating) {
  expect_invalid(std::string((1 << 20) + 1, '\x90'), "exceeds");
  // Headers claiming enormous sizes in a few bytes.
  expect_invalid(std::string("\xdd\xff\xff\xff\xff", 5));      // array32 of 4G elements
  expect_invalid(std::string("\xdf\xff\xff\xff\xff", 5));      // map32
  expect_invalid(std::string("\xdb\xff\xff\xff\xff", 5));      // str32 of 4 GiB
  expect_invalid(std::string("\xc6\xff\xff\xff\xff", 5));      // bin32
  expect_invalid(std::string("\xc9\xff\xff\xff\xff\x01", 6));  // ext32
  // Deep nesting: [[[[...]]]].
  expect_invalid(std::string(100000, '\x91'));
  // A media list with more items than any message may have.
  expect_invalid(pack_with([](packer& pk) {
    pk.pack_array(14);
    pk.pack_uint64(1);
    pk.pack_uint64(1);
    pk.pack_uint64(1);
    pk.pack_uint64(0);
    pk.pack_uint64(0);
    pk.pack_str(0);
    pk.pack_str(0);
    pk.pack_array(1000);
    for (int i = 0; i < 1000; ++i) pk.pack_array(0);
  }));
}

TEST(MessageCodec, UnknownVersion_IsRefused) {
  expect_invalid(pack_with([](packer& pk) {
                   pk.pack_array(1);
                   pk.pack_uint64(2);
                 }),
                 "unsupported format version 2");
  expect_invalid(pack_with([](packer& pk) {
                   pk.pack_array(1);
                   pk.pack_uint64(0);
                 }),
                 "version 0");
}

TEST(MessageCodec, MissingOrMistypedFields_NameTheField) {
  // Version only: the id is missing.
  expect_invalid(pack_with([](packer& pk) {
                   pk.pack_array(1);
                   pk.pack_uint64(1);
                 }),
                 "field 1");
  // id as a string.
  expect_invalid(pack_with([](packer& pk) {
                   pk.pack_array(2);
                   pk.pack_uint64(1);
                   pk.pack_str(1);
                   pk.pack_str_body("x", 1);
                 }),
                 "field 1: expected unsigned integer, found string");
  // Not an array at all.
  expect_invalid(pack_with([](packer& pk) { pk.pack_map(0); }), "expected array");
}

TEST(MessageCodec, EnumOutOfRange_IsRefused) {
  message m = full_message();
  std::string bytes = encode_message(m);
  // dir is field 3: replace its positive fixint with 7.
  auto h = decode(bytes);
  ASSERT_TRUE(h);
  std::string tampered = pack_with([&](packer& pk) {
    const auto& a = h->get().via.array;
    pk.pack_array(a.size);
    for (std::uint32_t i = 0; i < a.size; ++i) {
      if (i == 3) {
        pk.pack_uint64(7);
      } else {
        pk.pack(a.ptr[i]);
      }
    }
  });
  expect_invalid(tampered, "out of range");
}

TEST(MessageCodec, ExtraTrailingFields_FromANewerWriterAreIgnored) {
  auto h = decode(encode_message(full_message()));
  ASSERT_TRUE(h);
  std::string newer = pack_with([&](packer& pk) {
    const auto& a = h->get().via.array;
    pk.pack_array(a.size + 2);
    for (std::uint32_t i = 0; i < a.size; ++i) pk.pack(a.ptr[i]);
    pk.pack_uint64(99);
    pk.pack_str(3);
    pk.pack_str_body("new", 3);
  });
  auto m = decode_message(newer);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(same_message(full_message(), *m));
}

TEST(GenericDecode, AppliesTheGivenLimits) {
  const std::string arr = pack_with([](packer& pk) {
    pk.pack_array(10);
    for (int i = 0; i < 10; ++i) pk.pack_uint64(i);
  });
  decode_limits tight;
  tight.max_array = 5;
  EXPECT_FALSE(decode(arr, tight));
  EXPECT_TRUE(decode(arr));
  decode_limits small;
  small.max_bytes = 4;
  EXPECT_FALSE(decode(arr, small));
  // The handle owns its strings: the input may die.
  msgpack::object_handle kept;
  {
    std::string s = pack_with([](packer& pk) {
      pk.pack_str(5);
      pk.pack_str_body("hello", 5);
    });
    auto h = decode(s);
    ASSERT_TRUE(h);
    kept = std::move(*h);
    s.assign(s.size(), 'X');
  }
  EXPECT_EQ(std::string(kept.get().via.str.ptr, kept.get().via.str.size), "hello");
}

TEST(ArrayReader, ReadsTypedFieldsInOrder) {
  const std::string bytes = pack_with([](packer& pk) {
    pk.pack_array(5);
    pk.pack_uint64(7);
    pk.pack_int64(-3);
    pk.pack_true();
    pk.pack_str(2);
    pk.pack_str_body("hi", 2);
    pk.pack_array(1);
    pk.pack_uint64(1);
  });
  auto h = decode(bytes);
  ASSERT_TRUE(h);
  auto rd = array_reader::open(h->get(), "thing");
  ASSERT_TRUE(rd);
  EXPECT_EQ(rd->size(), 5u);
  EXPECT_EQ(*rd->u64(), 7u);
  EXPECT_EQ(*rd->i64(), -3);
  EXPECT_EQ(*rd->boolean(), true);
  EXPECT_EQ(*rd->str(), "hi");
  auto inner = rd->array();
  ASSERT_TRUE(inner);
  EXPECT_EQ(*inner->u64_max(1), 1u);
  EXPECT_EQ(rd->remaining(), 0u);
  auto missing = rd->u64();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("thing: field 5"), std::string::npos)
      << missing.error().message;
}

}  // namespace
}  // namespace msgcenter::persistence
