// Twilio webhooks against a real server: signatures, duplicates, media, status callbacks.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace msgcenter::server::testing {
namespace {

using ServerWebhooks = ServerTest;

constexpr const char* kTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

TEST_F(ServerWebhooks, SignedInbound_IsStored_AndAnsweredWithEmptyTwiml) {
  auto r = inbound("Is 3pm free?", "SM100");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, kTwiml);
  EXPECT_EQ(r.headers["content-type"], "text/xml");
  auto rows = call("GET", "/v1/conversations", "", ana).j()["rows"];
  ASSERT_EQ(rows.size(), 1u);
  auto msgs =
      call("GET", "/v1/conversations/" + rows[0]["conversation"].get<std::string>() + "/messages",
           "", ana)
          .j()["messages"];
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["body"], "Is 3pm free?");
  EXPECT_EQ(msgs[0]["provider_id"], "SM100");
  EXPECT_EQ(msgs[0]["direction"], "in");
  auto m = call("GET", "/metrics").body;
  EXPECT_NE(m.find("msgcenter_inbound_messages_total 1"), std::string::npos) << m;
  EXPECT_NE(m.find("msgcenter_inbound_ack_seconds_count 1"), std::string::npos);
}

TEST_F(ServerWebhooks, BadSignatures_Are403_AndStoreNothing) {
  form_fields f = {{"MessageSid", "SMbad"}, {"From", kClient}, {"To", kSpaNumber}, {"Body", "hi"}};
  auto post = [&](const std::string& signature, const form_fields& fields) {
    std::map<std::string, std::string> h{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!signature.empty()) h["X-Twilio-Signature"] = signature;
    return http_call(port, "POST", "/webhooks/twilio/sms", encode_form(fields), h);
  };
  const std::string good = twilio_signature(url("/webhooks/twilio/sms"), f, kSpaToken);
  auto tampered = f;
  tampered[3].second = "hi!";
  const std::vector<std::pair<std::string, http_reply>> cases = {
      {"no signature", post("", f)},
      {"garbage", post("not-base64", f)},
      {"another business's token",
       post(twilio_signature(url("/webhooks/twilio/sms"), f, kGymToken), f)},
      {"body changed after signing", post(good, tampered)},
      {"signed for another path",
       post(twilio_signature(url("/webhooks/twilio/status"), f, kSpaToken), f)},
      {"signed for another host",
       post(twilio_signature("http://evil.example/webhooks/twilio/sms", f, kSpaToken), f)},
      {"signed with a query added",
       post(twilio_signature(url("/webhooks/twilio/sms?x=1"), f, kSpaToken), f)},
  };
  for (auto& [what, r] : cases) {
    EXPECT_EQ(r.status, 403u) << what << ": " << r.body;
    EXPECT_EQ(r.code(), "permission_denied") << what;
  }
  EXPECT_EQ(call("GET", "/v1/conversations?folder=all", "", ana).j()["rows"].size(), 0u);
  EXPECT_EQ(call("GET", "/v1/badge", "", ana).j()["unread_messages"], 0);
  EXPECT_NE(call("GET", "/metrics").body.find("msgcenter_webhook_signature_failures_total 7"),
            std::string::npos);
  // And the genuine one goes through.
  EXPECT_EQ(post(good, f).status, 200u);
}

TEST_F(ServerWebhooks, ForeignBusinessToken_CannotPostToAnotherBusinessNumber) {
  auto r = inbound("spoof", "SMspoof", kClient, kSpaNumber, kGymToken);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(call("GET", "/v1/badge", "", ana).j()["unread_messages"], 0);
}

TEST_F(ServerWebhooks, DuplicateMessageSid_Answers200_StoresOnce) {
  for (int i = 0; i < 3; ++i) {
    auto r = inbound("retry me", "SMdup");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, kTwiml);
  }
  EXPECT_EQ(call("GET", "/v1/badge", "", ana).j()["unread_messages"], 1);
  auto m = call("GET", "/metrics").body;
  EXPECT_NE(m.find("msgcenter_inbound_duplicates_total 2"), std::string::npos) << m;
}

TEST_F(ServerWebhooks, Media_IsStoredWithUnknownSize) {
  form_fields f = {{"MessageSid", "SMmms"},
                   {"From", kClient},
                   {"To", kSpaNumber},
                   {"Body", ""},
                   {"NumMedia", "2"},
                   {"MediaUrl0", "https://api.twilio.com/media/ME1"},
                   {"MediaContentType0", "image/jpeg"},
                   {"MediaUrl1", "https://api.twilio.com/media/ME2"},
                   {"MediaContentType1", "application/pdf"}};
  auto r = webhook("/webhooks/twilio/sms", f, kSpaToken);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto conv =
      call("GET", "/v1/conversations", "", ana).j()["rows"][0]["conversation"].get<std::string>();
  auto media =
      call("GET", "/v1/conversations/" + conv + "/messages", "", ana).j()["messages"][0]["media"];
  ASSERT_EQ(media.size(), 2u);
  EXPECT_EQ(media[0]["url"], "https://api.twilio.com/media/ME1");
  EXPECT_EQ(media[0]["content_type"], "image/jpeg");
  EXPECT_EQ(media[0]["size"], 0);
  EXPECT_EQ(media[1]["content_type"], "application/pdf");
  f[0].second = "SMmms2";
  f[6].second = "application/x-unknown";
  f.pop_back();
  f.pop_back();
  f[4].second = "1";
  auto refused = webhook("/webhooks/twilio/sms", f, kSpaToken);
  EXPECT_EQ(refused.status, 400u) << "refused content types answer 400: " << refused.body;
}

// An unknown number answers exactly as a wrong signature does (issue 12, M5): the answer
// tells nobody which numbers the platform has.
TEST_F(ServerWebhooks, Malformed_Are400_UnknownNumberAnswersLikeABadSignature) {
  auto json_body = http_call(port, "POST", "/webhooks/twilio/sms", R"({"From":"x"})",
                             {{"Content-Type", "application/json"}});
  EXPECT_EQ(json_body.status, 400u);
  auto bad_escape = http_call(port, "POST", "/webhooks/twilio/sms", "From=%zz",
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(bad_escape.status, 400u);
  auto no_to =
      webhook("/webhooks/twilio/sms", {{"MessageSid", "SM1"}, {"From", kClient}}, kSpaToken);
  EXPECT_EQ(no_to.status, 400u);
  auto unknown = inbound("hello?", "SM404", kClient, "+12025550999");
  EXPECT_EQ(unknown.status, 403u);
  auto forged = webhook("/webhooks/twilio/sms",
                        {{"MessageSid", "SM405"}, {"From", kClient}, {"To", kSpaNumber}},
                        "not-the-auth-token");
  EXPECT_EQ(forged.status, 403u);
  EXPECT_EQ(unknown.body, forged.body) << "an unknown number and a bad signature look alike";
  auto no_sid = webhook("/webhooks/twilio/sms",
                        {{"From", kClient}, {"To", kSpaNumber}, {"Body", "x"}}, kSpaToken);
  EXPECT_EQ(no_sid.status, 400u);
}

TEST_F(ServerWebhooks, StatusCallback_UpdatesTheMessage) {
  auto sent = call("POST", "/v1/messages",
                   json{{"phone", kClient}, {"body", "Your table is ready"}}.dump(), ana);
  ASSERT_EQ(sent.status, 200u);
  const std::string sid = sent.j()["message"]["provider_id"];
  const std::string conv = sent.j()["conversation"];
  ASSERT_FALSE(sid.empty());
  auto status = [&](const std::string& s, const std::string& error_code = {}) {
    form_fields f = {{"MessageSid", sid},
                     {"MessageStatus", s},
                     {"From", kSpaNumber},
                     {"To", kClient},
                     {"AccountSid", "ACspa"}};
    if (!error_code.empty()) f.emplace_back("ErrorCode", error_code);
    return webhook("/webhooks/twilio/status", f, kSpaToken);
  };
  auto last = [&] {
    return call("GET", "/v1/conversations/" + conv + "/messages", "", ana).j()["messages"].back();
  };
  ASSERT_EQ(status("sending").status, 200u) << "steps the engine does not track are acknowledged";
  ASSERT_EQ(status("sent").status, 200u);
  EXPECT_EQ(last()["status"], "sent");
  ASSERT_EQ(status("undelivered", "30003").status, 200u);
  EXPECT_EQ(last()["status"], "undelivered");
  EXPECT_EQ(last()["error_code"], "30003");
  form_fields unknown = {
      {"MessageSid", "SMnope"}, {"MessageStatus", "delivered"}, {"From", kSpaNumber}};
  EXPECT_EQ(webhook("/webhooks/twilio/status", unknown, kSpaToken).status, 404u);
  form_fields wrong_sig = {{"MessageSid", sid}, {"MessageStatus", "failed"}, {"From", kSpaNumber}};
  EXPECT_EQ(webhook("/webhooks/twilio/status", wrong_sig, kGymToken).status, 403u);
  EXPECT_EQ(last()["status"], "undelivered") << "a refused callback changes nothing";
  form_fields other_account = {{"MessageSid", sid},
                               {"MessageStatus", "failed"},
                               {"From", kSpaNumber},
                               {"AccountSid", "ACgym"}};
  EXPECT_EQ(webhook("/webhooks/twilio/status", other_account, kSpaToken).status, 403u);
}

TEST_F(ServerWebhooks, BusinessWithoutAuthToken_RefusesWebhooks) {
  ASSERT_EQ(admin("PUT", "/v1/admin/businesses/bare", {{"name", "Bare"}}).status, 200u);
  ASSERT_EQ(admin("POST", "/v1/admin/businesses/bare/numbers", {{"number", "+12025550300"}}).status,
            200u);
  auto r = inbound("hi", "SMbare", kClient, "+12025550300", "");
  EXPECT_EQ(r.status, 403u);
}

class ServerPublicUrl : public ServerTest {
  void configure(server_options& o) override { o.public_url = "https://sms.example.com/msgcenter"; }
};

TEST_F(ServerPublicUrl, SignatureIsCheckedAgainstThePublicUrl) {
  form_fields f = {
      {"MessageSid", "SMpub"}, {"From", kClient}, {"To", kSpaNumber}, {"Body", "via proxy"}};
  auto local = webhook("/webhooks/twilio/sms?source=twilio", f, kSpaToken);
  EXPECT_EQ(local.status, 403u) << "the Host-based URL is not what Twilio signed";
  auto pub = webhook("/webhooks/twilio/sms?source=twilio", f, kSpaToken,
                     "https://sms.example.com/msgcenter/webhooks/twilio/sms?source=twilio");
  EXPECT_EQ(pub.status, 200u) << pub.body;
  auto with_port =
      webhook("/webhooks/twilio/sms?source=twilio", f, kSpaToken,
              "https://sms.example.com:443/msgcenter/webhooks/twilio/sms?source=twilio");
  EXPECT_EQ(with_port.status, 200u) << "the default port may be written out";
}

}  // namespace
}  // namespace msgcenter::server::testing
