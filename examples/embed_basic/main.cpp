// Embedding msgcenter: set up a business, take an inbound text, reply, read the inbox.
// Built out of tree with find_package(msgcenter) (see CMakeLists.txt beside this file).
#include <iostream>
#include <msgcenter/message_center.hpp>

int main() {
  using namespace msgcenter;
  auto opened = message_center::open({});
  if (!opened) {
    std::cerr << "open failed: " << opened.error().message << "\n";
    return 1;
  }
  message_center& mc = *opened.value();
  const op_context admin{"spa", "", std::nullopt};
  const op_context ana{"spa", "ana", std::nullopt};

  if (!mc.business_put(admin, {"Lotus Day Spa", "US", "", {}})) return 1;
  if (!mc.number_put(admin, {"+12025550100", "downtown"})) return 1;
  rights_mask rights = bit(right::view_messages) | bit(right::send_sms);
  if (!mc.staff_put(admin, {"ana", "Ana", rights, {}, false})) return 1;

  // The carrier delivers a text (normally through the webhook).
  auto in = mc.inbound(
      admin,
      {"+12025550142", "+12025550100", "Can I book a massage at 3?", {}, "SM1", std::nullopt});
  if (!in) return 1;
  std::cout << "received " << message_key(in->stored.id) << " in "
            << conversation_key(in->conversation) << "\n";

  auto unread = mc.inbox_badge(ana);
  std::cout << "ana's badge: " << unread->unread_conversations << " unread\n";

  send_request reply;
  reply.conversation = in->conversation;
  reply.body = "Yes! See you at 3pm.";
  auto sent = mc.send(ana, reply);
  if (!sent) {
    std::cerr << "send failed: " << sent.error().message << "\n";
    return 1;
  }
  std::cout << "sent " << message_key(sent->stored.id) << " via provider id "
            << sent->stored.provider_id << "\n";

  auto page = mc.inbox_list(ana, inbox_query{});
  for (auto& row : page->rows)
    std::cout << conversation_key(row.view.id) << " " << row.view.phone << " "
              << to_string(row.current_folder) << " \"" << row.view.preview << "\"\n";
  mc.close();
  return page->rows.size() == 1 && page->rows[0].current_folder == folder::replied ? 0 : 1;
}
