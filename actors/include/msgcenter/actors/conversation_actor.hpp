// A conversation actor: hosts one conversation_state, applies every change to it and tells
// the inbox actors of everyone who can reach the conversation, replying only once they
// have applied it (read your writes).
#pragma once

#include <caf/all.hpp>

#include "msgcenter/actors/durability.hpp"
#include "msgcenter/actors/messages.hpp"

namespace msgcenter::actors {

/// Spawns the actor of a conversation of `business` (new, or restored from the store). Every
/// change is written to `journal` (may be null) as a conversation record, and acknowledged
/// only once durable and applied by every inbox that can see it. It answers conv_refresh_part, conv_append_part,
/// conv_append, conv_command, conv_link, conv_read, conv_access, conv_status, conv_provider,
/// conv_get_message and conv_dump (messages.hpp).
caf::actor spawn_conversation_actor(caf::actor_system& sys, std::string business,
                                    conversation_state initial, business_context ctx,
                                    std::shared_ptr<journal_port> journal);

}  // namespace msgcenter::actors
