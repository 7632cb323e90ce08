#include "msgcenter/persistence/schema.hpp"

namespace msgcenter::persistence {

void append_u64_be(std::string& out, std::uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xFFu);
    v >>= 8;
  }
  out.append(b, sizeof b);
}

std::string encode_u64_be(std::uint64_t v) {
  std::string out;
  append_u64_be(out, v);
  return out;
}

std::optional<std::uint64_t> decode_u64_be(std::string_view bytes) noexcept {
  if (bytes.size() < 8) return std::nullopt;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

std::string message_record_key(conversation_id conversation, message_id id) {
  std::string key;
  key.reserve(16);
  append_u64_be(key, conversation);
  append_u64_be(key, id);
  return key;
}

std::string conversation_prefix(conversation_id conversation) {
  return encode_u64_be(conversation);
}

std::optional<std::string> prefix_successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xFFu) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

}  // namespace msgcenter::persistence
