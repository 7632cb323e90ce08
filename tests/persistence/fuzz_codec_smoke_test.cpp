// Runs the codec fuzz target's body over a few thousand random and mutated inputs, so every
// normal (and sanitizer) test run exercises the decoders of untrusted bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_codec_entry.hpp"
#include "msgcenter/persistence/codec.hpp"
#include "msgcenter/persistence/journal.hpp"
#include "msgcenter/persistence/records.hpp"

namespace msgcenter::persistence {
namespace {

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  message m;
  out.push_back(encode_message(m));
  m.id = 77;
  m.conversation = 5;
  m.dir = direction::out;
  m.body = u8"fuzz me 😀";
  m.media = {media_item{"https://x/y.png", "image/png", 42}, media_item{"u", "t", 1}};
  m.provider_id = "SM1";
  m.at = -5;
  out.push_back(encode_message(m));
  out.push_back(encode_frame(out.back()));
  // One record of every type, so mutations reach every field list.
  directory_record d;
  d.business_no = 2;
  d.dir.business = "spa";
  d.dir.numbers["+12025550100"] = {"+12025550100", "north"};
  d.dir.staff["ana"] = {"ana", "Ana", 7, {"north"}, true};
  d.dir.templates["t"] = {"t", "Hi"};
  out.push_back(encode_record(d));
  contact_record c{"spa", {}};
  c.value.id = "k1";
  c.value.groups = {"vip"};
  c.value.phones = {"+12025550142"};
  out.push_back(encode_record(c));
  out.push_back(encode_record(consent_record{"spa", "+12025550142", "+1", consent_state::no}));
  conversation_record conv;
  conv.business = "spa";
  conv.image.id = 5;
  conv.image.contact = c.value.card();
  conv.image.staff_read["ana"] = {1, true, 2, 3};
  conv.messages = {m};
  out.push_back(encode_record(conv));
  alert a{1, alert_kind::message, 5, 77, 9, false};
  out.push_back(
      encode_record(inbox_record{"spa", "ana", inbox_record::change::alert_raised, 5, {a}}));
  out.push_back(encode_record(inbox_image{"spa", "ana", {5}, {6}, {a}}));
  return out;
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // overwrite a byte with an interesting value
        if (!s.empty()) {
          static const char interesting[] = {'\x00', '\x7f', '\x80', '\xc0', '\xc1', '\xdc',
                                             '\xdd', '\xde', '\xdf', '\xdb', '\xff', '\x91'};
          s[rng() % s.size()] = interesting[rng() % sizeof interesting];
        }
        break;
      case 2:  // truncate
        s.resize(s.empty() ? 0 : rng() % s.size());
        break;
      case 3:  // insert random bytes
        s.insert(s.empty() ? 0 : rng() % s.size(),
                 std::string(1 + rng() % 8, static_cast<char>(rng())));
        break;
      case 4:  // duplicate a slice
        if (!s.empty()) {
          const auto from = rng() % s.size();
          s += s.substr(from, rng() % (s.size() - from + 1));
        }
        break;
      default:  // erase a slice
        if (!s.empty()) {
          const auto from = rng() % s.size();
          s.erase(from, 1 + rng() % 4);
        }
        break;
    }
  }
  return s;
}

void run(const std::string& input) {
  fuzz::fuzz_codec_one_input(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

TEST(FuzzCodecSmoke, RandomAndMutatedInputsNeverCrash) {
  std::mt19937_64 rng(20240501);
  const auto corpus = seeds();
  int decoded = 0;
  int decoded_records = 0;
  for (const auto& s : corpus) run(s);
  for (int i = 0; i < 4000; ++i) {
    std::string input;
    if (i % 4 == 0) {
      input.resize(rng() % 64);
      for (auto& c : input) c = static_cast<char>(rng());
    } else {
      input = mutate(corpus[rng() % corpus.size()], rng);
    }
    run(input);
    if (decode_message(input)) ++decoded;
    if (decode_record(input)) ++decoded_records;
  }
  // Mutations that keep a valid message or record (e.g. a changed body byte) must decode.
  EXPECT_GT(decoded, 0);
  EXPECT_GT(decoded_records, 0);
}

}  // namespace
}  // namespace msgcenter::persistence
