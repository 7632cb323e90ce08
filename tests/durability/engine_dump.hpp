// A canonical dump of everything an engine shows, for comparing states across restarts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "msgcenter/message_center.hpp"
#include "msgcenter/protocol.hpp"

namespace msgcenter::testing {

/// Every staff member's rows (all folders, all pages), badge and alerts; every message of
/// every conversation (via export, system messages included, and each thread); consent of
/// the given phone/number pairs. `reader` must be able to open every conversation.
inline nlohmann::json dump_engine(
    message_center& mc, const std::string& business, const std::vector<std::string>& staff,
    const std::string& reader,
    const std::vector<std::pair<std::string, std::string>>& consent_keys) {
  nlohmann::json out;
  for (auto& s : staff) {
    op_context ctx{business, s, std::nullopt};
    nlohmann::json rows = nlohmann::json::array();
    inbox_query q;
    q.folder = folder_filter::all;
    q.limit = 500;
    for (;;) {
      auto page = mc.inbox_list(ctx, q);
      if (!page) {
        rows.push_back(error_json(page.error()));
        break;
      }
      for (auto& r : page->rows) rows.push_back(to_json(r));
      if (page->cursor.empty()) break;
      q.cursor = page->cursor;
    }
    out["staff"][s]["rows"] = rows;
    auto b = mc.inbox_badge(ctx);
    out["staff"][s]["badge"] = b ? to_json(*b) : error_json(b.error());
    auto alerts = mc.alerts_list(ctx, {500});
    nlohmann::json al = nlohmann::json::array();
    if (alerts)
      for (auto& a : *alerts) al.push_back(to_json(a));
    out["staff"][s]["alerts"] = al;
  }
  op_context rd{business, reader, std::nullopt};
  auto csv = mc.export_csv(rd, {});
  out["export"] = csv ? csv->csv : error_json(csv.error()).dump();
  inbox_query all;
  all.folder = folder_filter::all;
  all.limit = 500;
  all.q = "";
  auto page = mc.inbox_list(rd, all);
  if (page) {
    for (auto& r : page->rows) {
      auto msgs = mc.conversation_messages(rd, {r.view.id, std::nullopt, 500, false});
      nlohmann::json list = nlohmann::json::array();
      if (msgs)
        for (auto& m : msgs->messages) list.push_back(to_json(m));
      out["threads"][conversation_key(r.view.id)] = list;
    }
  }
  for (auto& [phone, number] : consent_keys) {
    auto c = mc.consent_get(rd, {phone, number});
    out["consent"][phone + "@" + number] = c ? to_string(c->state) : to_string(c.error().code);
  }
  return out;
}

}  // namespace msgcenter::testing
