// msgpack codecs: messages round-trip exactly; unknown tags are skipped and missing ones
// defaulted; the decoder refuses every kind of bad input with invalid_argument and never
// throws.
#include "msgcenter/persistence/codec.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "fuzz/fuzz_codec_entry.hpp"
#include "tagged_edit.hpp"

namespace msgcenter::persistence {
namespace {

using fuzz::same_message;
using testing::edit;
using testing::map_edit;

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

TEST(MessageCodec, EncodingIsAMapFromTagToField) {
  auto h = decode(encode_message(full_message()));
  ASSERT_TRUE(h);
  const msgpack::object& o = h->get();
  ASSERT_EQ(o.type, msgpack::type::MAP);
  ASSERT_EQ(o.via.map.size, 13u);
  for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
    ASSERT_EQ(o.via.map.ptr[i].key.type, msgpack::type::POSITIVE_INTEGER);
    EXPECT_EQ(o.via.map.ptr[i].key.via.u64, i + 1) << "tags in list order";
  }
  // Tag 6 is the body and tag 7 the media list, whose items are maps too: the tags are the
  // format, so a renumbering fails here.
  EXPECT_EQ(std::string(o.via.map.ptr[5].val.via.str.ptr, o.via.map.ptr[5].val.via.str.size),
            full_message().body);
  ASSERT_EQ(o.via.map.ptr[6].val.type, msgpack::type::ARRAY);
  EXPECT_EQ(o.via.map.ptr[6].val.via.array.ptr[0].type, msgpack::type::MAP);
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
    pk.pack_map(2);
    pk.pack_uint64(1);
    pk.pack_uint64(1);
    pk.pack_uint64(7);
    pk.pack_array(1000);
    for (int i = 0; i < 1000; ++i) pk.pack_map(0);
  }));
  // A map with more entries than a message may have, even of unknown tags.
  expect_invalid(pack_with([](packer& pk) {
    pk.pack_map(1000);
    for (int i = 0; i < 1000; ++i) {
      pk.pack_uint64(100 + i);
      pk.pack_uint64(0);
    }
  }));
}

TEST(MessageCodec, MissingTags_TakeTheMembersDefaults) {
  // An older writer that knew no segments (13), encoding (12) or media (7).
  const std::string older = edit(encode_message(full_message()), {}, map_edit{{7, 12, 13}, {}, {}});
  auto m = decode_message(older);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->segments, 1u) << "message::segments defaults to 1";
  EXPECT_EQ(m->encoding, text_encoding::gsm7);
  EXPECT_TRUE(m->media.empty());
  EXPECT_EQ(m->body, full_message().body);
  // Nothing at all is a default message.
  auto empty = decode_message(pack_with([](packer& pk) { pk.pack_map(0); }));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(same_message(message{}, *empty));
}

TEST(MessageCodec, UnknownTags_FromANewerWriterAreSkipped) {
  map_edit newer;
  newer.extra.push_back([](packer& pk) {
    pk.pack_uint64(99);
    testing::pack_str(pk, "new");
  });
  newer.extra.push_back([](packer& pk) {  // any type, nested too
    pk.pack_uint64(14);
    pk.pack_map(1);
    pk.pack_uint64(1);
    pk.pack_array(2);
    pk.pack_nil();
    pk.pack_double(1.5);
  });
  auto m = decode_message(edit(encode_message(full_message()), {}, newer));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(same_message(full_message(), *m));
  // And inside a media item.
  map_edit item;
  item.extra.push_back([](packer& pk) {
    pk.pack_uint64(4);
    pk.pack_true();
  });
  auto n = decode_message(edit(encode_message(full_message()), {7, 1}, item));
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_TRUE(same_message(full_message(), *n));
}

TEST(MessageCodec, MistypedTag_IsRefusedNamingTheField) {
  map_edit e;
  e.replace[1] = [](packer& pk) { testing::pack_str(pk, "x"); };
  expect_invalid(edit(encode_message(full_message()), {}, e),
                 "message.id(1): expected unsigned integer, found string");
  // Nested: the url of the second media item.
  map_edit url;
  url.replace[1] = [](packer& pk) { pk.pack_uint64(5); };
  expect_invalid(edit(encode_message(full_message()), {7, 1}, url),
                 "message.media(7)[1].url(1): expected string, found unsigned integer");
  // Negative where an unsigned count belongs; a signed time that does not fit.
  map_edit neg;
  neg.replace[13] = [](packer& pk) { pk.pack_int64(-1); };
  expect_invalid(edit(encode_message(full_message()), {}, neg),
                 "message.segments(13): expected unsigned integer, found negative integer");
  map_edit big;
  big.replace[13] = [](packer& pk) { pk.pack_uint64(std::uint64_t{1} << 32); };
  expect_invalid(edit(encode_message(full_message()), {}, big),
                 "message.segments(13): value 4294967296 out of range 0..4294967295");
  map_edit late;
  late.replace[11] = [](packer& pk) { pk.pack_uint64(std::uint64_t{1} << 63); };
  expect_invalid(edit(encode_message(full_message()), {}, late), "message.at(11): value");
  // Not a map at all.
  expect_invalid(pack_with([](packer& pk) { pk.pack_array(0); }),
                 "message: expected map, found array");
}

TEST(MessageCodec, DuplicateTagOrNonIntegerKey_IsRefused) {
  map_edit twice;
  twice.extra.push_back([](packer& pk) {
    pk.pack_uint64(6);
    testing::pack_str(pk, "a second body");
  });
  expect_invalid(edit(encode_message(full_message()), {}, twice),
                 "message.body(6): tag given twice");
  map_edit named;
  named.extra.push_back([](packer& pk) {
    testing::pack_str(pk, "body");
    testing::pack_str(pk, "x");
  });
  expect_invalid(edit(encode_message(full_message()), {}, named),
                 "expected unsigned integer (a tag), found string");
}

TEST(MessageCodec, EnumOutOfRange_IsRefused) {
  map_edit e;
  e.replace[3] = [](packer& pk) { pk.pack_uint64(7); };  // dir: in or out
  expect_invalid(edit(encode_message(full_message()), {}, e),
                 "message.dir(3): value 7 out of range 0..1");
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

}  // namespace
}  // namespace msgcenter::persistence
