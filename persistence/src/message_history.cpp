#include "msgcenter/persistence/message_history.hpp"

#include <algorithm>
#include <utility>

#include "msgcenter/persistence/codec.hpp"
#include "msgcenter/persistence/schema.hpp"

namespace msgcenter::persistence {

namespace {

std::string describe_key(std::string_view key) {
  auto c = decode_u64_be(key);
  auto m = key.size() >= 16 ? decode_u64_be(key.substr(8)) : std::nullopt;
  return "c" + (c ? std::to_string(*c) : std::string("?")) + "/m" +
         (m ? std::to_string(*m) : std::string("?"));
}

}  // namespace

result<message_history> message_history::open(env& e) {
  auto s = kv_store::open(e, db_names::messages);
  if (!s) return std::move(s).error();
  return message_history(std::move(*s));
}

status message_history::put(const std::vector<message>& messages) const {
  std::vector<std::pair<std::string, std::string>> items;
  items.reserve(messages.size());
  for (const auto& m : messages) {
    items.emplace_back(message_record_key(m.conversation, m.id), encode_message(m));
  }
  return store_.put_batch(std::move(items));
}

void message_history::stage(write_batch& batch, const message& m) const {
  batch.put(store_, message_record_key(m.conversation, m.id), encode_message(m));
}

result<message> message_history::get(conversation_id conversation, message_id id) const {
  auto v = store_.get(message_record_key(conversation, id));
  if (!v) return std::move(v).error();
  auto m = decode_message(*v);
  if (!m) {
    return make_error(errc::invalid_argument,
                      "corrupt message record " +
                          describe_key(message_record_key(conversation, id)) + ": " +
                          m.error().message);
  }
  return m;
}

result<std::vector<message>> message_history::page(const scan_options& options) const {
  std::vector<message> out;
  out.reserve(std::min<std::size_t>(options.limit, 1024));
  std::optional<error> bad;
  auto st = store_.visit(options, [&](std::string_view key, std::string_view value) {
    auto m = decode_message(value);
    if (!m) {
      bad = make_error(errc::invalid_argument,
                       "corrupt message record " + describe_key(key) + ": " + m.error().message);
      return false;
    }
    out.push_back(std::move(*m));
    return true;
  });
  if (!st) return std::move(st).error();
  if (bad) return std::move(*bad);
  return out;
}

result<std::vector<message>> message_history::page_before(conversation_id conversation,
                                                          std::optional<message_id> before,
                                                          std::size_t limit) const {
  scan_options o;
  o.prefix = conversation_prefix(conversation);
  if (before) o.bound = message_record_key(conversation, *before);
  o.reverse = true;
  o.limit = limit;
  return page(o);
}

result<std::vector<message>> message_history::page_after(conversation_id conversation,
                                                         std::optional<message_id> after,
                                                         std::size_t limit) const {
  scan_options o;
  o.prefix = conversation_prefix(conversation);
  if (after) o.bound = message_record_key(conversation, *after);
  o.limit = limit;
  return page(o);
}

}  // namespace msgcenter::persistence
