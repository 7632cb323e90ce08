#include "msgcenter/server/demo_data.hpp"

#include <map>

#include "msgcenter/protocol.hpp"

namespace msgcenter::server {
namespace {

using json = nlohmann::json;

constexpr const char* kBusiness = "lotus";
constexpr const char* kMain = "+12025550100";
constexpr const char* kUptown = "+12025550101";
constexpr const char* kAuthToken = "demo-auth-token";

struct demo_staff_spec {
  const char* id;
  const char* name;
  std::vector<const char*> rights;
  std::vector<const char*> locations;
  bool subscribe_all;
};

const std::vector<demo_staff_spec>& staff_specs() {
  static const std::vector<demo_staff_spec> s = {
      {"maya",
       "Maya (front desk)",
       {"view_messages", "manage_messages", "send_sms", "remove_feed"},
       {},
       true},
      {"ana",
       "Ana (manager)",
       {"view_messages", "manage_messages", "send_sms", "remove_feed", "export", "admin"},
       {},
       false},
      {"leo", "Leo (stylist)", {"view_messages", "send_sms"}, {"downtown"}, false},
      {"sam", "Sam (massage, uptown)", {"view_messages", "send_sms"}, {"uptown"}, false},
  };
  return s;
}

}  // namespace

std::vector<std::string> demo_operations(millis now) {
  // The day starts nine hours before `now`, on a whole minute.
  const millis start = (now - 9 * 3600 * 1000) / 60000 * 60000;
  auto at = [&](int minute) { return start + static_cast<millis>(minute) * 60000; };
  std::vector<json> ops;
  ops.push_back({{"op", "business.put"},
                 {"business", kBusiness},
                 {"name", "Lotus Day Spa"},
                 {"region", "US"},
                 {"default_number", kMain},
                 {"settings",
                  {{"timezone", "America/New_York"},
                   {"twilio_account_sid", "ACdemo00000000000000000000000000"},
                   {"twilio_auth_token", kAuthToken},
                   {"help_text", "Lotus Day Spa: call (202) 555-0100. Reply STOP to opt out."}}}});
  ops.push_back(
      {{"op", "number.put"}, {"business", kBusiness}, {"number", kMain}, {"location", "downtown"}});
  ops.push_back(
      {{"op", "number.put"}, {"business", kBusiness}, {"number", kUptown}, {"location", "uptown"}});
  for (const auto& s : staff_specs())
    ops.push_back({{"op", "staff.put"},
                   {"business", kBusiness},
                   {"staff", s.id},
                   {"name", s.name},
                   {"rights", s.rights},
                   {"locations", s.locations},
                   {"subscribe_all", s.subscribe_all}});
  ops.push_back({{"op", "template.put"},
                 {"business", kBusiness},
                 {"template", "reminder"},
                 {"body",
                  "Hi {first_name}, a reminder of your visit at {business_name} tomorrow. Reply to "
                  "change it."}});
  auto contact = [&](const char* id, const char* kind, const char* first, const char* last,
                     const char* phone, const char* client_type, const char* home,
                     const char* sales) {
    json c = {{"op", "contact.put"},
              {"business", kBusiness},
              {"contact", id},
              {"kind", kind},
              {"first_name", first},
              {"last_name", last},
              {"phones", {phone}},
              {"email", std::string(id) + "@example.com"},
              {"client_type", client_type},
              {"home_location", home},
              {"groups", json::array({"newsletter"})}};
    if (*sales) c["sales_owner"] = sales;
    ops.push_back(c);
  };
  contact("emma", "client", "Emma", "Stone", "+12025550142", "member", "downtown", "");
  contact("noah", "client", "Noah", "Berg", "+12025550143", "guest", "downtown", "ana");
  contact("olivia", "client", "Olivia", "Park", "+12025550144", "member", "downtown", "");
  contact("liam", "client", "Liam", "Zoë-Martin", "+12025550145", "member", "uptown", "");
  contact("mia", "lead", "Mia", "Lopez", "+12025550146", "", "downtown", "");
  contact("towels", "resource", "Fresh", "Towels Co", "+12025550160", "", "", "");

  int sid = 0;
  auto inbound = [&](int minute, const char* from, const char* to, const char* body) {
    ops.push_back({{"op", "inbound"},
                   {"from", from},
                   {"to", to},
                   {"body", body},
                   {"provider_id", "SMdemo" + std::to_string(++sid)},
                   {"at", at(minute)}});
  };
  auto reply = [&](int minute, const char* as, const char* phone, const char* number,
                   const char* body) {
    ops.push_back({{"op", "send"},
                   {"business", kBusiness},
                   {"as", as},
                   {"phone", phone},
                   {"number", number},
                   {"body", body},
                   {"at", at(minute)}});
  };
  auto action = [&](int minute, const char* as, const char* phone, const char* what,
                    json extra = json::object()) {
    json a = {{"op", "conversation.action"},
              {"business", kBusiness},
              {"as", as},
              {"conversation", std::string("$") + phone},
              {"action", what},
              {"at", at(minute)}};
    for (auto& [k, v] : extra.items()) a[k] = v;
    ops.push_back(a);
  };
  inbound(0, "+12025550142", kMain, "Hi! Can I book a massage for Saturday?");
  reply(5, "maya", "+12025550142", kMain,
        "Hi Emma! We have 10am or 2pm on Saturday. Which works for you?");
  inbound(12, "+12025550142", kMain, "2pm please");
  reply(14, "maya", "+12025550142", kMain, "Booked: Saturday 2pm. See you then!");
  inbound(40, "+12025550143", kMain, "Do you sell gift cards?");
  inbound(95, "+12025550150", kMain, "What are your opening hours?");
  reply(100, "leo", "+12025550150", kMain, "We're open 9am-7pm, Monday to Saturday.");
  inbound(130, "+12025550144", kMain, "Running 10 min late, sorry!");
  action(131, "ana", "+12025550144", "assign", {{"staff", "leo"}});
  inbound(180, "+12025550145", kUptown, "Is the sauna open today?");
  reply(185, "sam", "+12025550145", kUptown, "It is, until 6pm. Enjoy!");
  inbound(240, "+12025550160", kMain, "Towel delivery moved to Thursday 8am");
  inbound(300, "+12025550142", kMain, "Can I add a facial to Saturday too?");
  action(301, "maya", "+12025550142", "pin");
  inbound(360, "+12025550146", kMain, "STOP");
  ops.push_back({{"op", "send"},
                 {"business", kBusiness},
                 {"as", "maya"},
                 {"contact", "olivia"},
                 {"template", "reminder"},
                 {"at", at(420)}});
  inbound(500, "+12025550143", kMain, "Thanks, I'll pick one up this week");
  action(520, "ana", "+12025550150", "archive");

  std::vector<std::string> lines;
  for (auto& op : ops) lines.push_back(op.dump());
  return lines;
}

result<demo_info> load_demo_data(message_center& engine, token_store& tokens, millis now) {
  protocol_session session(engine);
  std::map<std::string, std::string> conversation_of;  // phone -> conversation id
  demo_info info;
  info.business = kBusiness;
  info.number = kMain;
  info.client_phone = "+12025550142";
  info.twilio_auth_token = kAuthToken;
  if (auto owner = engine.carrier_account_for(kMain); owner && owner->business == kBusiness)
    info.already_loaded = true;
  for (const auto& line : info.already_loaded ? std::vector<std::string>{} : demo_operations(now)) {
    json op = json::parse(line);
    // "$<phone>" names the conversation of that phone, known once it exists.
    if (op.contains("conversation") && op["conversation"].is_string()) {
      auto ref = op["conversation"].get<std::string>();
      if (!ref.empty() && ref[0] == '$') op["conversation"] = conversation_of[ref.substr(1)];
    }
    json result = session.execute(op);
    if (!result.value("ok", false)) {
      const auto& e = result["error"];
      auto code = parse_errc(e.value("code", "")).value_or(errc::unavailable);
      return make_error(code, "demo operation " + std::to_string(info.operations + 1) + " (" +
                                  op.value("op", "") + "): " + e.value("message", ""));
    }
    ++info.operations;
    if (result.contains("conversation") && result["conversation"].is_string()) {
      std::string phone = op.value("from", op.value("phone", ""));
      if (!phone.empty()) conversation_of[phone] = result["conversation"].get<std::string>();
    }
  }
  for (const auto& s : staff_specs()) {
    auto token = tokens.issue(kBusiness, s.id);
    if (!token) return token.error();
    info.staff.push_back({s.id, s.name, token.value()});
  }
  return info;
}

}  // namespace msgcenter::server
