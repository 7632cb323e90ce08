#include "msgcenter/actors/shard.hpp"

#include <absl/container/flat_hash_map.h>

#include "msgcenter/actors/business_partition.hpp"
#include "msgcenter/actors/message_types.hpp"

namespace msgcenter::actors {
namespace {

struct shard_state {
  shard_state(caf::event_based_actor* self, std::shared_ptr<gateway> gw,
              std::shared_ptr<journal_port> port, media_rules media)
      : self(self), outbound(std::move(gw)), media(media), journal(self, std::move(port)) {}
  caf::event_based_actor* self;
  std::shared_ptr<gateway> outbound;
  media_rules media;
  durability journal;  ///< one per shard: every business's records and their acks
  absl::flat_hash_map<std::string, std::unique_ptr<business_partition>> businesses;

  business_partition* find(const std::string& id) {
    auto it = businesses.find(id);
    return it == businesses.end() ? nullptr : it->second.get();
  }
};

template <class T>
result<T> no_business() {
  return result<T>(make_error(errc::not_found, "no such business"));
}

// Routes (op_context, Req) to the business's partition: `Method` is the partition's member.
// Nothing reaches a partition while the journal refuses new work: an operation is refused
// before it changes anything, never after.
#define MSGCENTER_ROUTE(Req, Reply, Method)                                   \
  [st](op_context& ctx, Req& r) -> caf::result<result<Reply>> {               \
    if (auto refused = st->journal.refusal()) return result<Reply>(*refused); \
    auto* p = st->find(ctx.business);                                         \
    if (!p) return no_business<Reply>();                                      \
    return p->Method(ctx, r);                                                 \
  }

}  // namespace

caf::actor spawn_shard(caf::actor_system& sys, std::shared_ptr<gateway> outbound,
                       std::shared_ptr<journal_port> journal, media_rules media) {
  // State travels as spawn arguments: CAF 0.17 dereferences a null argument tuple for
  // argument-less function actors (UBSan reports it).
  auto main = [](caf::event_based_actor* self, std::shared_ptr<gateway> outbound,
                 std::shared_ptr<journal_port> journal, media_rules media) -> caf::behavior {
    auto st = std::make_shared<shard_state>(self, std::move(outbound), std::move(journal), media);
    self->set_down_handler([st](caf::down_msg& dm) {
      for (auto& [id, p] : st->businesses) p->drop_subscriber(dm.source);
    });
    return {
        [st](host_business& h) -> unit {
          auto& slot = st->businesses[h.business];
          if (!slot) {
            slot = std::make_unique<business_partition>(st->self, st->journal, h.business,
                                                        h.business_no, st->outbound, st->media);
            if (h.saved) slot->restore(*h.saved);
          }
          return unit{};
        },
        MSGCENTER_ROUTE(business_put_request, unit, business_put),
        MSGCENTER_ROUTE(number_put_request, number_put_reply, number_put),
        MSGCENTER_ROUTE(staff_put_request, unit, staff_put),
        MSGCENTER_ROUTE(template_put_request, unit, template_put),
        MSGCENTER_ROUTE(contact_put_request, contact_put_reply, contact_put),
        [st](op_context& ctx, inbound_batch& r) -> caf::result<inbound_results> {
          if (auto refused = st->journal.refusal())
            return inbound_results(r.items.size(), result<inbound_reply>(*refused));
          auto* p = st->find(ctx.business);
          if (!p) return inbound_results(r.items.size(), no_business<inbound_reply>());
          return p->inbound(ctx, r);
        },
        [st](shard_inbound& batch) -> caf::result<shard_inbound_results> {
          // Every business's part answers once durable; the last one replies for all.
          struct gather {
            shard_inbound_results out;
            std::size_t left = 0;
            caf::typed_response_promise<shard_inbound_results> rp;
          };
          auto g = std::make_shared<gather>();
          g->out.resize(batch.parts.size());
          g->left = batch.parts.size();
          g->rp = st->self->make_response_promise<shard_inbound_results>();
          auto rp = g->rp;
          if (g->left == 0) {
            g->rp.deliver(std::move(g->out));
            return rp;
          }
          const auto refused = st->journal.refusal();
          for (std::size_t k = 0; k < batch.parts.size(); ++k) {
            auto& [ctx, part] = batch.parts[k];
            auto answer = [g, k](inbound_results r) {
              g->out[k] = std::move(r);
              if (--g->left == 0) g->rp.deliver(std::move(g->out));
            };
            if (refused)
              answer(inbound_results(part.items.size(), result<inbound_reply>(*refused)));
            else if (auto* p = st->find(ctx.business))
              p->inbound(ctx, part, std::move(answer));
            else
              answer(inbound_results(part.items.size(), no_business<inbound_reply>()));
          }
          return rp;
        },
        MSGCENTER_ROUTE(status_request, status_reply, status_callback),
        MSGCENTER_ROUTE(send_request, send_reply, send),
        MSGCENTER_ROUTE(consent_get_args, consent_state_reply, consent_get),
        MSGCENTER_ROUTE(consent_request_args, consent_state_reply, consent_request),
        MSGCENTER_ROUTE(conversation_get_request, conversation_get_reply, conversation_get),
        MSGCENTER_ROUTE(messages_request, messages_reply, conversation_messages),
        MSGCENTER_ROUTE(action_request, inbox_row, conversation_action),
        MSGCENTER_ROUTE(bulk_request, bulk_reply, conversation_bulk),
        MSGCENTER_ROUTE(history_request, history_reply, contact_history),
        MSGCENTER_ROUTE(export_request, export_reply, export_csv),
        MSGCENTER_ROUTE(inbox_query, inbox_page, inbox_list),
        MSGCENTER_ROUTE(badge_request, badge, inbox_badge),
        MSGCENTER_ROUTE(alerts_list_request, std::vector<alert>, alerts_list),
        MSGCENTER_ROUTE(alerts_ack_request, unit, alerts_ack),
        MSGCENTER_ROUTE(inbox_subscribe, std::uint64_t, subscribe),
        [st](op_context& ctx, inbox_unsubscribe& r) -> unit {
          if (auto* p = st->find(ctx.business)) p->unsubscribe(ctx, r);
          return unit{};
        },
        MSGCENTER_ROUTE(carrier_account_request, carrier_account, carrier),
        MSGCENTER_ROUTE(authorize_request, unit, authorize),
        MSGCENTER_ROUTE(staff_me_request, staff_me_reply, staff_me),
        MSGCENTER_ROUTE(staff_list_request, staff_list_reply, staff_list),
        MSGCENTER_ROUTE(template_list_request, template_list_reply, template_list),
        MSGCENTER_ROUTE(inbox_counts_request, folder_counts, inbox_counts),
        MSGCENTER_ROUTE(presence_request, unit, presence),
        [st](provider_result& r) {
          if (auto* p = st->find(r.business)) p->on_provider(r);
        },
        [st](journal_ack& ack) { st->journal.on_ack(ack); },
    };
  };
  return sys.spawn(main, std::move(outbound), std::move(journal), media);
}

}  // namespace msgcenter::actors
