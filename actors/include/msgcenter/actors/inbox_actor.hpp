// A staff member's inbox actor: hosts an inbox_view (pins, mutes, badge, alerts, the ordered
// list of conversations they can reach) and their live event stream.
#pragma once

#include <caf/all.hpp>
#include <memory>
#include <string>

#include "msgcenter/actors/durability.hpp"
#include "msgcenter/persistence/store.hpp"

namespace msgcenter::actors {

/// Events kept for resuming subscribers (Last-Event-ID); older ones are dropped.
constexpr std::size_t kEventsKept = 4096;

/// Spawns the inbox actor of `staff_id` in `business`, restoring `saved` (pins, mutes,
/// alerts) when given. Pins, mutes and alerts are written to `journal` (may be null) before
/// they are acknowledged. It answers inbox_update, inbox_list_cmd, badge_request,
/// alerts_list_request, alerts_ack_request, inbox_flag_cmd, inbox_row_cmd, inbox_subscribe
/// and inbox_unsubscribe (messages.hpp).
caf::actor spawn_inbox_actor(caf::actor_system& sys, std::string business, std::string staff_id,
                             std::shared_ptr<journal_port> journal,
                             const persistence::recovered_inbox* saved = nullptr);

}  // namespace msgcenter::actors
