#include "inbox_printer.hpp"

#include <iomanip>

#include "msgcenter/core/text.hpp"

namespace msgcenter::cli {

namespace {
// Pads by characters, not bytes, so names with accents line up.
std::string pad(const std::string& s, std::size_t width) {
  auto text = utf8_prefix(s, width - 1);
  auto n = count_code_points(text);
  return text + std::string(width > n ? width - n : 1, ' ');
}
}  // namespace

void print_inbox(std::ostream& out, message_center& engine, const std::string& business,
                 const std::string& staff) {
  op_context ctx{business, staff, std::nullopt};
  auto badge = engine.inbox_badge(ctx);
  auto page = engine.inbox_list(ctx, inbox_query{});
  if (!badge || !page) {
    out << "cannot read the inbox of " << staff << ": "
        << (badge ? page.error().message : badge.error().message) << "\n";
    return;
  }
  out << "\nInbox of " << staff << " at " << business << ": " << badge->unread_conversations
      << " unread conversations, " << badge->unread_messages << " unread messages\n";
  out << std::left << std::setw(4) << "" << std::setw(8) << "id" << std::setw(22) << "contact"
      << std::setw(10) << "folder" << std::setw(7) << "unread"
      << "last message\n";
  for (auto& row : page->rows) {
    const auto& v = row.view;
    std::string who = v.contact ? v.contact->full_name() : v.phone;
    std::string flags = std::string(row.pinned ? "P" : " ") + (row.muted ? "M" : " ") +
                        (v.assignee.empty() ? " " : "A");
    auto preview = utf8_prefix(v.preview, 48);
    out << std::setw(4) << flags << std::setw(8) << conversation_key(v.id) << pad(who, 22)
        << std::setw(10) << to_string(row.current_folder) << std::setw(7) << row.unread_count
        << (v.last_direction == direction::in ? "<< " : ">> ") << preview << "\n";
  }
  out << "(P pinned, M muted, A assigned; << received, >> sent)\n";
}

}  // namespace msgcenter::cli
