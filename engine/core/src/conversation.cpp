#include "msgcenter/core/conversation.hpp"

#include <algorithm>

#include "msgcenter/core/text.hpp"

namespace msgcenter {
namespace {
constexpr std::size_t kPreviewChars = 100;
}  // namespace

folder conversation_view::current_folder() const noexcept {
  if (archived) return folder::archived;
  if (read.marked_unread || inbound_count > read.seen) return folder::unread;
  if (has_messages && last_direction == direction::out) return folder::replied;
  return folder::read;
}

folder conversation_state::folder_for(const read_point& p) const noexcept {
  if (archived_) return folder::archived;
  if (p.marked_unread || inbound_count_ > p.seen) return folder::unread;
  if (message_count_ > 0 && last_direction_ == direction::out) return folder::replied;
  return folder::read;
}

std::uint64_t conversation_view::unread_count() const noexcept {
  return inbound_count > read.seen ? inbound_count - read.seen : 0;
}

conversation_state::conversation_state(conversation_id id, std::string number, std::string phone,
                                       std::string location, millis created_at)
    : id_(id),
      number_(std::move(number)),
      phone_(std::move(phone)),
      location_(std::move(location)),
      created_at_(created_at),
      last_time_(created_at),
      last_activity_(created_at) {}

conversation_state::conversation_state(const conversation_image& im, std::vector<message> messages)
    : id_(im.id),
      number_(im.number),
      phone_(im.phone),
      location_(im.location),
      contact_(im.contact),
      created_at_(im.created_at),
      last_time_(im.last_time),
      last_activity_(im.last_activity),
      last_direction_(im.last_direction),
      preview_(im.preview),
      archived_(im.archived),
      hidden_(im.hidden),
      assignee_(im.assignee),
      last_manual_sender_(im.last_manual_sender),
      message_count_(im.message_count),
      inbound_count_(im.inbound_count),
      inbound_at_last_outbound_(im.inbound_at_last_outbound),
      types_(im.types),
      failed_count_(im.failed_count),
      shared_read_(im.shared_read),
      staff_read_(im.staff_read),
      read_stamp_(im.read_stamp),
      messages_(std::move(messages)) {}

conversation_image conversation_state::image() const {
  conversation_image im;
  im.id = id_;
  im.number = number_;
  im.phone = phone_;
  im.location = location_;
  im.contact = contact_;
  im.created_at = created_at_;
  im.last_time = last_time_;
  im.last_activity = last_activity_;
  im.last_direction = last_direction_;
  im.preview = preview_;
  im.archived = archived_;
  im.hidden = hidden_;
  im.assignee = assignee_;
  im.last_manual_sender = last_manual_sender_;
  im.message_count = message_count_;
  im.inbound_count = inbound_count_;
  im.inbound_at_last_outbound = inbound_at_last_outbound_;
  im.types = types_;
  im.failed_count = failed_count_;
  im.shared_read = shared_read_;
  im.staff_read = staff_read_;
  im.read_stamp = read_stamp_;
  return im;
}

const message* conversation_state::find(message_id id) const {
  // Ids increase along the deque: binary search.
  auto it = std::lower_bound(messages_.begin(), messages_.end(), id,
                             [](const message& m, message_id v) { return m.id < v; });
  return it != messages_.end() && it->id == id ? &*it : nullptr;
}

millis conversation_state::effective_time(millis requested) const noexcept {
  return std::max(requested, last_time_);
}

append_effects conversation_state::append(message m, const directory& dir) {
  append_effects fx;
  m.conversation = id_;
  m.at = effective_time(m.at);
  last_time_ = m.at;
  if (m.visible()) {
    fx.visible = true;
    fx.unhidden = hidden_;
    hidden_ = false;
    last_activity_ = m.at;
    last_direction_ = m.dir;
    preview_ = utf8_prefix(m.body, kPreviewChars);
    ++message_count_;
    if (m.dir == direction::in) {
      ++inbound_count_;
      types_ |= type_manual;
      fx.unarchived = archived_;
      archived_ = false;
    } else {
      inbound_at_last_outbound_ = inbound_count_;
      switch (m.kind) {
        case message_kind::manual:
          types_ |= type_manual;
          fx.unarchived = archived_;
          archived_ = false;
          last_manual_sender_ = m.author;
          break;
        case message_kind::campaign:
          types_ |= type_campaign;
          break;
        case message_kind::notification:
          types_ |= type_notification;
          break;
        case message_kind::system:
          break;
      }
      if (m.failed()) {
        ++failed_count_;
        types_ |= type_failed;
      }
    }
  }
  bool reply_by_staff = m.dir == direction::out && m.kind == message_kind::manual;
  std::string author = m.author;
  messages_.push_back(std::move(m));
  // "Unread until replied to": the sender's reply marks the conversation read for them.
  if (reply_by_staff && !author.empty()) mark_read(author, dir);
  return fx;
}

void conversation_state::mark_read(const std::string& viewer, const directory& dir) {
  set_read_point(viewer, read_point{inbound_count_, false, dir.read_mode_epoch, 0}, dir);
}

void conversation_state::mark_unread(const std::string& viewer, const directory& dir) {
  set_read_point(viewer, read_point{inbound_at_last_outbound_, true, dir.read_mode_epoch, 0}, dir);
}

void conversation_state::set_read_point(const std::string& viewer, read_point p,
                                        const directory& dir) {
  p.stamp = ++read_stamp_;
  if (dir.settings.read_status == read_status_mode::per_staff)
    staff_read_[viewer] = p;
  else
    shared_read_ = p;
}

read_point conversation_state::read_point_for(const std::string& viewer,
                                              const directory& dir) const {
  const auto epoch = dir.read_mode_epoch;
  if (dir.settings.read_status == read_status_mode::per_staff) {
    auto it = staff_read_.find(viewer);
    if (it != staff_read_.end() && it->second.epoch == epoch) return it->second;
  }
  // The shared point is the latest read or unread by anyone, except that in per-staff mode
  // reads made since the switch count only for their reader: a staff member who has not
  // read since starts from where everyone was at the switch.
  read_point latest = shared_read_;
  for (auto& [staff, p] : staff_read_) {
    bool since_switch = dir.settings.read_status == read_status_mode::per_staff && p.epoch == epoch;
    if (!since_switch && p.stamp > latest.stamp) latest = p;
  }
  return latest;
}

bool conversation_state::set_provider_id(message_id id, std::string provider_id) {
  auto it = std::lower_bound(messages_.begin(), messages_.end(), id,
                             [](const message& m, message_id v) { return m.id < v; });
  if (it == messages_.end() || it->id != id) return false;
  it->provider_id = std::move(provider_id);
  return true;
}

namespace {
// Delivery statuses only move forward (queued -> sent -> a final one); carriers retry and
// reorder callbacks, so a late `sent` after `delivered` is ignored.
int status_rank(message_status s) {
  switch (s) {
    case message_status::received:
      return 0;
    case message_status::queued:
      return 0;
    case message_status::sent:
      return 1;
    default:
      return 2;
  }
}
}  // namespace

bool conversation_state::update_status(message_id id, message_status status,
                                       std::string error_code) {
  auto it = std::lower_bound(messages_.begin(), messages_.end(), id,
                             [](const message& m, message_id v) { return m.id < v; });
  if (it == messages_.end() || it->id != id) return false;
  if (it->dir == direction::in) return true;  // an inbound message stays `received`
  if (status_rank(it->status) == 2 || status_rank(status) < status_rank(it->status)) return true;
  bool was_failed = it->failed();
  it->status = status;
  it->error_code = std::move(error_code);
  if (it->visible() && it->failed() != was_failed) {
    failed_count_ += it->failed() ? 1 : -1;
    if (failed_count_ > 0)
      types_ |= type_failed;
    else
      types_ &= static_cast<std::uint8_t>(~type_failed);
  }
  return true;
}

access_subject conversation_state::subject(const business_settings& settings) const {
  return access_subject{location_, owners_of(assignee_, contact_ ? &*contact_ : nullptr, settings)};
}

access conversation_state::access_for(const staff_member& staff, const directory& dir) const {
  return access_of(staff, subject(dir.settings), dir.settings);
}

conversation_view conversation_state::view_for(const std::string& viewer,
                                               const directory& dir) const {
  conversation_view v;
  v.id = id_;
  v.number = number_;
  v.phone = phone_;
  v.location = location_;
  v.contact = contact_;
  v.last_activity = last_activity_;
  v.last_direction = last_direction_;
  v.has_messages = message_count_ > 0;
  v.preview = preview_;
  v.archived = archived_;
  v.hidden = hidden_;
  v.assignee = assignee_;
  v.message_count = message_count_;
  v.types = types_;
  v.inbound_count = inbound_count_;
  v.read = read_point_for(viewer, dir);
  return v;
}

}  // namespace msgcenter
