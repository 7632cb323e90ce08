// spec "Listing and search" (inbox.list filters, order, paging, rows) and the per-staff half
// of "Pin, mute, archive, hide", on inbox_view fed by conversation_states.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core_fixtures.hpp"
#include "msgcenter/core/inbox.hpp"
#include "msgcenter/core/text.hpp"

namespace msgcenter {
namespace {

using namespace fixtures;

std::string phone_of(conversation_id id) { return "+1555777" + std::to_string(1000 + id); }

/// One conversation per folder for alice: 1 unread, 2 read, 3 replied, 4 archived.
world folder_world() {
  world w(make_directory({make_staff("alice", kAllRights)}));
  w.start(1, phone_of(1));
  w.receive(1, 100);
  w.start(2, phone_of(2));
  w.receive(2, 200);
  w.conv(2).mark_read("alice", w.dir);
  w.start(3, phone_of(3));
  w.receive(3, 250);
  w.reply(3, 300, "alice");
  w.start(4, phone_of(4));
  w.receive(4, 400);
  w.conv(4).set_archived(true);
  return w;
}

/// `n` conversations, conversation i with one inbound at i * 100.
world numbered_world(conversation_id n) {
  world w(make_directory({make_staff("alice", kAllRights), make_staff("bob", kAllRights)}));
  for (conversation_id i = 1; i <= n; ++i) {
    w.start(i, phone_of(i));
    w.receive(i, static_cast<millis>(i) * 100);
  }
  return w;
}

inbox_query folder_query(folder_filter f) {
  inbox_query q;
  q.folder = f;
  return q;
}

errc refusal(const inbox_view& inbox, const inbox_query& q, bool may_manage = true) {
  auto r = inbox.list(q, may_manage);
  EXPECT_FALSE(r.ok());
  return r.ok() ? errc{} : r.error().code;
}

// ---- Folder filter -----------------------------------------------------------------------

TEST(Listing, FolderInbox_IsTheDefault_EveryFolderButArchived) {
  auto w = folder_world();
  auto inbox = w.inbox_for("alice");
  EXPECT_EQ(inbox_query{}.folder, folder_filter::inbox);
  EXPECT_EQ(list_ids(inbox), (ids{3, 2, 1}));
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::inbox)), (ids{3, 2, 1}));
}

TEST(Listing, FolderUnread) {
  auto inbox = folder_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::unread)), ids{1});
}

TEST(Listing, FolderRead) {
  auto inbox = folder_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::read)), ids{2});
}

TEST(Listing, FolderReplied) {
  auto inbox = folder_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::replied)), ids{3});
}

TEST(Listing, FolderArchived) {
  auto inbox = folder_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::archived)), ids{4});
}

TEST(Listing, FolderAll_IncludesArchived) {
  auto inbox = folder_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::all)), (ids{4, 3, 2, 1}));
}

TEST(Listing, FolderIsPerViewer) {
  // per_staff: bob has not read conversation 2, so it is unread for him
  auto w = folder_world();
  w.dir.staff["bob"] = make_staff("bob", kAllRights);
  w.set_read_mode(read_status_mode::per_staff);
  w.receive(2, 210);
  w.conv(2).mark_read("alice", w.dir);
  EXPECT_EQ(list_ids(w.inbox_for("alice"), folder_query(folder_filter::read)), ids{2});
  EXPECT_EQ(list_ids(w.inbox_for("bob"), folder_query(folder_filter::unread)), (ids{2, 1}));
}

// ---- Types filter ------------------------------------------------------------------------

/// 1 inbound only, 2 campaign, 3 notification, 4 manual failed, 5 campaign undelivered,
/// 6 manual delivered, 7 notification sent.
world types_world() {
  world w(make_directory({make_staff("alice", kAllRights)}));
  w.start(1, phone_of(1));
  w.receive(1, 100);
  w.start(2, phone_of(2));
  w.send(2, 200, message_kind::campaign);
  w.start(3, phone_of(3));
  w.send(3, 300, message_kind::notification);
  w.start(4, phone_of(4));
  auto m4 = outbound(w.next_id++, 400, message_kind::manual, "alice");
  m4.status = message_status::failed;
  w.conv(4).append(m4, w.dir);
  w.start(5, phone_of(5));
  auto m5 = w.send(5, 500, message_kind::campaign);
  w.conv(5).update_status(m5, message_status::undelivered, "30005");
  w.start(6, phone_of(6));
  auto m6 = w.reply(6, 600, "alice");
  w.conv(6).update_status(m6, message_status::delivered, "");
  w.start(7, phone_of(7));
  w.send(7, 700, message_kind::notification);
  return w;
}

inbox_query types_query(std::uint8_t types) {
  inbox_query q;
  q.types = types;
  return q;
}

TEST(Listing, TypesManual_InboundCountsAsManual) {
  auto inbox = types_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, types_query(type_manual)), (ids{6, 4, 1}));
}

TEST(Listing, TypesCampaign) {
  auto inbox = types_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, types_query(type_campaign)), (ids{5, 2}));
}

TEST(Listing, TypesNotification) {
  auto inbox = types_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, types_query(type_notification)), (ids{7, 3}));
}

TEST(Listing, TypesFailed_IsFailedOrUndelivered) {
  auto inbox = types_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, types_query(type_failed)), (ids{5, 4}));
}

TEST(Listing, Types_AnyOfTheChosen) {
  auto inbox = types_world().inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, types_query(type_campaign | type_notification)), (ids{7, 5, 3, 2}));
  EXPECT_EQ(list_ids(inbox, types_query(type_manual | type_failed)), (ids{6, 5, 4, 1}));
}

TEST(Listing, Types_MatchAnyMessageNotOnlyTheLast) {
  world w(make_directory({make_staff("alice", kAllRights)}));
  w.start(1, phone_of(1));
  w.send(1, 100, message_kind::campaign);
  w.receive(1, 200);
  w.reply(1, 300, "alice");
  auto inbox = w.inbox_for("alice");
  EXPECT_EQ(list_ids(inbox, types_query(type_campaign)), ids{1});
  EXPECT_EQ(list_ids(inbox, types_query(type_manual)), ids{1});
  EXPECT_TRUE(list_ids(inbox, types_query(type_notification)).empty());
}

// ---- From / to ---------------------------------------------------------------------------

TEST(Listing, FromTo_LastActivityInRangeInclusive) {
  auto inbox = numbered_world(3).inbox_for("alice");  // activity 100, 200, 300
  inbox_query q;
  q.from = 200;
  q.to = 300;
  EXPECT_EQ(list_ids(inbox, q), (ids{3, 2}));
  inbox_query from_only;
  from_only.from = 250;
  EXPECT_EQ(list_ids(inbox, from_only), ids{3});
  inbox_query to_only;
  to_only.to = 200;
  EXPECT_EQ(list_ids(inbox, to_only), (ids{2, 1}));
}

TEST(Listing, FromTo_UsesLastActivityNotFirstMessage) {
  auto w = numbered_world(2);
  w.receive(1, 1000);
  auto inbox = w.inbox_for("alice");
  inbox_query q;
  q.from = 900;
  EXPECT_EQ(list_ids(inbox, q), ids{1});
}

TEST(Listing, FromAfterTo_InvalidArgument) {
  auto inbox = numbered_world(1).inbox_for("alice");
  inbox_query q;
  q.from = 300;
  q.to = 200;
  EXPECT_EQ(refusal(inbox, q), errc::invalid_argument);
}

// ---- Contact filters ---------------------------------------------------------------------

/// 1 client Ana (spa, vip, home south, on the north number), 2 lead Leo (salon, vip+new, home
/// north), 3 resource Rex (home north), 4 unlinked. Assignees: 1 alice, 2 bob, 3/4 none.
/// Last direction: 1 in, 2 out, 3 in, 4 out.
world contact_world() {
  world w(make_directory({make_staff("alice", kAllRights), make_staff("bob", kAllRights)}));
  auto ana = make_card("k1", "Ana", "Smith", contact_kind::client);
  ana.client_type = "spa";
  ana.groups = {"vip"};
  ana.home_location = kSouth;
  auto leo = make_card("k2", "Leo", "Lead", contact_kind::lead);
  leo.client_type = "salon";
  leo.groups = {"new", "vip"};
  leo.home_location = kNorth;
  auto rex = make_card("k3", "Rex", "Supplier", contact_kind::resource);
  rex.home_location = kNorth;
  w.start(1, phone_of(1), kNorthNumber).link(ana);
  w.receive(1, 100);
  w.conv(1).set_assignee("alice");
  w.start(2, phone_of(2)).link(leo);
  w.receive(2, 150);
  w.reply(2, 200, "bob");
  w.conv(2).set_assignee("bob");
  w.start(3, phone_of(3)).link(rex);
  w.receive(3, 300);
  w.start(4, phone_of(4));
  w.send(4, 400, message_kind::campaign);
  return w;
}

TEST(Listing, ClientType) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.client_type = "spa";
  EXPECT_EQ(list_ids(inbox, q), ids{1});
  q.client_type = "gym";
  EXPECT_TRUE(list_ids(inbox, q).empty());
}

TEST(Listing, Group) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.group = "vip";
  EXPECT_EQ(list_ids(inbox, q), (ids{2, 1}));
  q.group = "new";
  EXPECT_EQ(list_ids(inbox, q), ids{2});
}

TEST(Listing, Location_IsTheContactsHomeLocation) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.location = kNorth;  // conversation 1 is on the north number but Ana lives south
  EXPECT_EQ(list_ids(inbox, q), (ids{3, 2}));
  q.location = kSouth;
  EXPECT_EQ(list_ids(inbox, q), ids{1});
}

TEST(Listing, ContactKind_ClientsAndLeads) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.contact_kind = contact_filter::clients_and_leads;
  EXPECT_EQ(list_ids(inbox, q), (ids{2, 1}));
}

TEST(Listing, ContactKind_Resources) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.contact_kind = contact_filter::resources;
  EXPECT_EQ(list_ids(inbox, q), ids{3});
}

TEST(Listing, AssigneeId) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.assignee = "alice";
  EXPECT_EQ(list_ids(inbox, q, false), ids{1});
  q.assignee = "bob";
  EXPECT_EQ(list_ids(inbox, q, true), ids{2});
}

TEST(Listing, AssigneeNone_Unassigned) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.assignee = "none";
  EXPECT_EQ(list_ids(inbox, q, true), (ids{4, 3}));
}

TEST(Listing, LastDirectionIn_ReceivedTab) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.last_direction = direction::in;
  EXPECT_EQ(list_ids(inbox, q), (ids{3, 1}));
}

TEST(Listing, LastDirectionOut_SentTab) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.last_direction = direction::out;
  EXPECT_EQ(list_ids(inbox, q), (ids{4, 2}));
}

TEST(Listing, FiltersCombineWithAnd) {
  auto inbox = contact_world().inbox_for("alice");
  inbox_query q;
  q.group = "vip";
  q.last_direction = direction::in;
  EXPECT_EQ(list_ids(inbox, q), ids{1});
  q.contact_kind = contact_filter::resources;
  EXPECT_TRUE(list_ids(inbox, q).empty());
}

TEST(Listing, ContactFilters_LeaveUnlinkedOut) {
  auto inbox = contact_world().inbox_for("alice");
  for (int i = 0; i < 4; ++i) {
    inbox_query q;
    if (i == 0) q.client_type = "";
    if (i == 1) q.group = "";
    if (i == 2) q.location = "";
    if (i == 3) q.contact_kind = contact_filter::clients_and_leads;
    auto got = list_ids(inbox, q);
    EXPECT_EQ(std::count(got.begin(), got.end(), 4u), 0) << i;
  }
}

TEST(Listing, QIsNotAFilter) {
  inbox_query q;
  EXPECT_FALSE(q.filtered());
  q.q = "ana";
  EXPECT_FALSE(q.filtered());
  auto set = [](auto f) {
    inbox_query x;
    f(x);
    return x.filtered();
  };
  EXPECT_TRUE(set([](inbox_query& x) { x.folder = folder_filter::all; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.folder = folder_filter::unread; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.types = type_failed; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.from = 1; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.to = 1; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.client_type = "spa"; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.group = "vip"; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.location = "north"; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.contact_kind = contact_filter::resources; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.assignee = "none"; }));
  EXPECT_TRUE(set([](inbox_query& x) { x.last_direction = direction::in; }));
}

// ---- Order ---------------------------------------------------------------------------------

TEST(Listing, Order_LastActivityDescThenIdDesc) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, phone_of(1));
  w.receive(1, 500);
  w.start(2, phone_of(2));
  w.receive(2, 500);
  w.start(3, phone_of(3));
  w.receive(3, 900);
  w.start(4, phone_of(4));
  w.receive(4, 100);
  w.start(5, phone_of(5));
  w.receive(5, 500);
  auto inbox = w.inbox_for("alice");
  EXPECT_EQ(list_ids(inbox), (ids{3, 5, 2, 1, 4}));
}

TEST(Listing, Order_NewActivityMovesToTop) {
  auto w = numbered_world(3);
  auto inbox = w.inbox_for("alice");
  w.reply(1, 1000, "alice");
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), (ids{1, 3, 2}));
}

TEST(Listing, Order_SystemMessageDoesNotMove) {
  auto w = numbered_world(3);
  auto inbox = w.inbox_for("alice");
  w.system_text(1, 1000);
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), (ids{3, 2, 1}));
}

// ---- Limit and cursor ----------------------------------------------------------------------

TEST(Listing, Limit_DefaultIs50) {
  auto inbox = numbered_world(60).inbox_for("alice");
  EXPECT_EQ(inbox_query{}.limit, kDefaultPageSize);
  EXPECT_EQ(kDefaultPageSize, 50u);
  auto r = inbox.list({}, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 50u);
  EXPECT_FALSE(r->cursor.empty());
}

TEST(Listing, Limit_MaxIs500) {
  auto inbox = numbered_world(501).inbox_for("alice");
  inbox_query q;
  q.limit = 500;
  auto r = inbox.list(q, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 500u);
  EXPECT_FALSE(r->cursor.empty());
  q.limit = 501;
  EXPECT_EQ(refusal(inbox, q), errc::invalid_argument);
}

TEST(Listing, Limit_ZeroIsInvalid) {
  auto inbox = numbered_world(1).inbox_for("alice");
  inbox_query q;
  q.limit = 0;
  EXPECT_EQ(refusal(inbox, q), errc::invalid_argument);
  q.limit = 1;
  EXPECT_EQ(list_ids(inbox, q), ids{1});
}

TEST(Listing, LastPage_HasNoCursor) {
  auto inbox = numbered_world(4).inbox_for("alice");
  inbox_query q;
  q.limit = 4;
  auto r = inbox.list(q, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 4u);
  EXPECT_TRUE(r->cursor.empty());
  q.limit = 2;
  auto first = inbox.list(q, false);
  ASSERT_TRUE(first.ok());
  q.cursor = first->cursor;
  auto second = inbox.list(q, false);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ids_of(*second), (ids{2, 1}));
  EXPECT_TRUE(second->cursor.empty());
}

TEST(Listing, CursorPaging_VisitsEveryRowOnceInOrder) {
  auto inbox = numbered_world(10).inbox_for("alice");
  inbox_query q;
  q.limit = 3;
  EXPECT_EQ(list_all_pages(inbox, q), (ids{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST(Listing, CursorPaging_StableWhileNewMessagesArrive) {
  // Given ten conversations and a first page of three
  auto w = numbered_world(10);
  auto inbox = w.inbox_for("alice");
  inbox_query q;
  q.limit = 3;
  auto first = inbox.list(q, false);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(ids_of(*first), (ids{10, 9, 8}));
  // When new messages arrive in one already shown (9) and one not yet shown (2),
  // and a new conversation starts
  w.receive(9, 2000);
  w.receive(2, 2100);
  w.start(11, phone_of(11));
  w.receive(11, 2200);
  w.sync(inbox);
  // Then the following pages continue where the first ended, repeating nothing
  q.cursor = first->cursor;
  std::vector<conversation_id> rest = list_all_pages(inbox, q);
  EXPECT_EQ(rest, (ids{7, 6, 5, 4, 3, 1}));
  // and a fresh listing shows the moved conversations at the top
  EXPECT_EQ(list_ids(inbox, inbox_query{}), (ids{11, 2, 9, 10, 8, 7, 6, 5, 4, 3, 1}));
}

TEST(Listing, CursorPaging_WithFilter) {
  auto w = numbered_world(9);
  for (conversation_id i : {2, 4, 6, 8}) w.conv(i).mark_read("alice", w.dir);
  auto inbox = w.inbox_for("alice");
  inbox_query q = folder_query(folder_filter::unread);
  q.limit = 2;
  EXPECT_EQ(list_all_pages(inbox, q), (ids{9, 7, 5, 3, 1}));
}

TEST(Listing, CursorPaging_ThroughPinnedThenTheRest) {
  auto w = numbered_world(6);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(2, true);
  inbox.set_pinned(4, true);
  inbox.set_pinned(5, true);
  for (std::size_t limit : {1u, 2u, 3u, 4u, 10u}) {
    inbox_query q;
    q.limit = limit;
    EXPECT_EQ(list_all_pages(inbox, q), (ids{5, 4, 2, 6, 3, 1})) << "limit " << limit;
  }
}

TEST(Listing, CursorPaging_PinnedConversationActiveAgainIsNotRepeated) {
  auto w = numbered_world(4);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  inbox.set_pinned(2, true);
  inbox_query q;
  q.limit = 1;
  auto first = inbox.list(q, false);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(ids_of(*first), ids{2});
  w.receive(2, 5000);
  w.sync(inbox, 2);
  q.cursor = first->cursor;
  EXPECT_EQ(list_all_pages(inbox, q), (ids{1, 4, 3}));
}

TEST(Listing, MalformedCursor_InvalidArgument) {
  auto inbox = numbered_world(3).inbox_for("alice");
  for (const char* c : {"garbage", "1", "1.2", "2.5.5", "-1.5.5", "1.5.5x", "1.a.5", "1.5.", ".5.5",
                        "1.5.5.5", "1.5.-5", " 1.5.5", "1..5"}) {
    inbox_query q;
    q.cursor = c;
    EXPECT_EQ(refusal(inbox, q), errc::invalid_argument) << '"' << c << '"';
  }
}

TEST(Listing, SystemOnlyConversation_NotListed) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, phone_of(1));
  w.system_text(1, 100);
  w.system_text(1, 200, direction::in);
  w.start(2, phone_of(2));  // no message at all
  auto inbox = w.inbox_for("alice");
  EXPECT_TRUE(list_ids(inbox, folder_query(folder_filter::all)).empty());
  inbox_query search;
  search.q = "5557771001";
  EXPECT_TRUE(list_ids(inbox, search).empty());
  // its first thread message makes it listed
  w.receive(1, 300);
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), ids{1});
}

// ---- Rows --------------------------------------------------------------------------------

TEST(Listing, Row_CarriesEveryField) {
  world w(make_directory({make_staff("alice", kAllRights)}));
  auto ana = make_card("k1", "Ana", "Smith", contact_kind::lead);
  w.start(7, phone_of(7), kSouthNumber).link(ana);
  w.receive(7, 100, "first");
  w.receive(7, 200, "second");
  w.reply(7, 300, "alice", "on my way");
  w.receive(7, 400, "thanks!");
  w.system_text(7, 500);
  w.conv(7).set_assignee("alice");
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(7, true);
  inbox.set_muted(7, true);
  auto r = inbox.list({}, false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 1u);
  const auto& row = r->rows[0];
  EXPECT_EQ(row.view.id, 7u);
  EXPECT_EQ(row.view.number, kSouthNumber);
  EXPECT_EQ(row.view.phone, phone_of(7));
  ASSERT_TRUE(row.view.contact.has_value());
  EXPECT_EQ(row.view.contact->id, "k1");
  EXPECT_EQ(row.view.contact->full_name(), "Ana Smith");
  EXPECT_EQ(row.view.contact->kind, contact_kind::lead);
  EXPECT_EQ(row.current_folder, folder::unread);
  EXPECT_EQ(row.unread_count, 1u);
  EXPECT_EQ(row.view.last_activity, 400);
  EXPECT_EQ(row.view.preview, "thanks!");
  EXPECT_EQ(row.view.last_direction, direction::in);
  EXPECT_TRUE(row.pinned);
  EXPECT_TRUE(row.muted);
  EXPECT_FALSE(row.view.archived);
  EXPECT_FALSE(row.view.hidden);
  EXPECT_EQ(row.view.assignee, "alice");
  EXPECT_EQ(row.view.message_count, 4u);
}

TEST(Listing, Row_UnlinkedHasNoContact) {
  auto inbox = numbered_world(1).inbox_for("alice");
  auto r = inbox.list({}, false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_FALSE(r->rows[0].view.contact.has_value());
  EXPECT_FALSE(r->rows[0].pinned);
  EXPECT_FALSE(r->rows[0].muted);
}

TEST(Listing, Row_Preview100CharsWithMultibyteText) {
  world w(make_directory({make_staff("alice")}));
  std::string body;
  for (int i = 0; i < 60; ++i) body += "\xC3\xAB\xF0\x9F\x98\x80";  // ë😀: 120 characters
  w.start(1, phone_of(1));
  w.receive(1, 100, body);
  auto inbox = w.inbox_for("alice");
  auto row = inbox.row(1);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(count_code_points(row->view.preview), 100u);
  EXPECT_TRUE(is_valid_utf8(row->view.preview));
  EXPECT_EQ(row->view.preview, body.substr(0, 50 * 6));
  EXPECT_EQ(body.compare(0, row->view.preview.size(), row->view.preview), 0);
}

TEST(Listing, Row_ShortPreviewIsTheWholeBody) {
  world w(make_directory({make_staff("alice")}));
  std::string exactly100(100, 'x');
  w.start(1, phone_of(1));
  w.receive(1, 100, exactly100);
  EXPECT_EQ(w.view(1, "alice").preview, exactly100);
  w.reply(1, 200, "alice", "Zo\xC3\xAB");
  EXPECT_EQ(w.view(1, "alice").preview, "Zo\xC3\xAB");
  EXPECT_EQ(w.view(1, "alice").last_direction, direction::out);
}

TEST(Listing, Row_MessageCountExcludesSystem) {
  world w(make_directory({make_staff("alice")}));
  w.start(1, phone_of(1));
  w.receive(1, 100);
  w.system_text(1, 150);
  w.send(1, 200, message_kind::campaign);
  w.system_text(1, 250, direction::in);
  auto row = w.inbox_for("alice").row(1);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->view.message_count, 2u);
  EXPECT_EQ(w.conv(1).messages().size(), 4u);
}

TEST(Listing, Apply_ReportsWhetherTheRowChanged) {
  auto w = numbered_world(2);
  inbox_view inbox("alice");
  auto v = w.view(1, "alice");
  EXPECT_TRUE(inbox.apply(v, access::visible));                 // new row
  EXPECT_FALSE(inbox.apply(v, access::visible));                // same again
  EXPECT_FALSE(inbox.apply(w.view(2, "alice"), access::none));  // unknown and unreachable
  w.conv(1).mark_read("alice", w.dir);
  EXPECT_TRUE(inbox.apply(w.view(1, "alice"), access::visible));
  EXPECT_TRUE(inbox.apply(w.view(1, "alice"), access::open));
  EXPECT_TRUE(inbox.apply(w.view(1, "alice"), access::none));
  EXPECT_EQ(inbox.size(), 0u);
}

// ---- Pinning -------------------------------------------------------------------------------

TEST(Pinning, PinnedFirstOnlyInUnfilteredInbox) {
  // Given four conversations and alice's pins on the two oldest
  auto w = numbered_world(4);
  auto inbox = w.inbox_for("alice");
  EXPECT_TRUE(inbox.set_pinned(1, true));
  EXPECT_TRUE(inbox.set_pinned(2, true));
  // Then the unfiltered inbox lists them first (newest pinned first), then the rest
  EXPECT_EQ(list_ids(inbox), (ids{2, 1, 4, 3}));
  auto r = inbox.list({}, false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->rows[0].pinned);
  EXPECT_TRUE(r->rows[1].pinned);
  EXPECT_FALSE(r->rows[2].pinned);
}

TEST(Pinning, FilteredViewLeavesPinnedOut) {
  auto w = numbered_world(4);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  inbox.set_pinned(4, true);
  EXPECT_EQ(list_ids(inbox, types_query(type_manual)), (ids{3, 2}));
  inbox_query dir;
  dir.last_direction = direction::in;
  EXPECT_EQ(list_ids(inbox, dir), (ids{3, 2}));
  inbox_query from;
  from.from = 0;
  EXPECT_EQ(list_ids(inbox, from), (ids{3, 2}));
  inbox_query none;
  none.assignee = "none";
  EXPECT_EQ(list_ids(inbox, none, true), (ids{3, 2}));
}

TEST(Pinning, OtherFolderLeavesPinnedOut) {
  auto w = numbered_world(4);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::unread)), (ids{4, 3, 2}));
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::all)), (ids{4, 3, 2}));
  w.conv(1).set_archived(true);
  w.sync(inbox, 1);
  EXPECT_TRUE(list_ids(inbox, folder_query(folder_filter::archived)).empty());
}

TEST(Pinning, PinnedArchived_NotInTheInbox) {
  auto w = numbered_world(3);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  w.conv(1).set_archived(true);
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), (ids{3, 2}));
}

TEST(Pinning, SearchFindsPinned) {
  auto w = numbered_world(4);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  // q alone is not a filter: pinned still first
  inbox_query q;
  q.q = "555777";
  EXPECT_EQ(list_ids(inbox, q), (ids{1, 4, 3, 2}));
  // q with a filter: the pinned conversation is found, in activity order
  q.folder = folder_filter::unread;
  EXPECT_EQ(list_ids(inbox, q), (ids{4, 3, 2, 1}));
  q.q = "5557771001";
  EXPECT_EQ(list_ids(inbox, q), ids{1});
}

TEST(Pinning, IsPerStaff) {
  auto w = numbered_world(3);
  auto alice = w.inbox_for("alice");
  auto bob = w.inbox_for("bob");
  alice.set_pinned(1, true);
  EXPECT_EQ(list_ids(alice), (ids{1, 3, 2}));
  EXPECT_EQ(list_ids(bob), (ids{3, 2, 1}));
  EXPECT_FALSE(bob.pinned(1));
}

TEST(Pinning, PinKeptWhileOutOfReach) {
  auto w = numbered_world(3);
  inbox_view inbox("alice");
  EXPECT_TRUE(inbox.set_pinned(1, true));  // before alice's inbox holds it
  w.sync(inbox);
  EXPECT_EQ(list_ids(inbox), (ids{1, 3, 2}));
  inbox.apply(w.view(1, "alice"), access::none);  // out of reach
  EXPECT_TRUE(inbox.pinned(1));
  w.sync(inbox, 1);  // back
  EXPECT_EQ(list_ids(inbox), (ids{1, 3, 2}));
}

TEST(Pinning, SetPinned_ReportsChange) {
  inbox_view inbox("alice");
  EXPECT_TRUE(inbox.set_pinned(1, true));
  EXPECT_FALSE(inbox.set_pinned(1, true));
  EXPECT_TRUE(inbox.set_pinned(1, false));
  EXPECT_FALSE(inbox.set_pinned(1, false));
}

TEST(Pinning, UnpinReturnsToActivityOrder) {
  auto w = numbered_world(3);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  inbox.set_pinned(1, false);
  EXPECT_EQ(list_ids(inbox), (ids{3, 2, 1}));
}

TEST(Pinning, PinnedConversationNewActivity_StaysPinnedInOrder) {
  auto w = numbered_world(4);
  auto inbox = w.inbox_for("alice");
  inbox.set_pinned(1, true);
  inbox.set_pinned(2, true);
  w.receive(1, 1000);
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), (ids{1, 2, 4, 3}));
}

// ---- Muting --------------------------------------------------------------------------------

TEST(Muting, IsPerStaffAndStillListed) {
  auto w = numbered_world(2);
  auto alice = w.inbox_for("alice");
  auto bob = w.inbox_for("bob");
  EXPECT_TRUE(alice.set_muted(1, true));
  EXPECT_FALSE(alice.set_muted(1, true));
  EXPECT_TRUE(alice.muted(1));
  EXPECT_FALSE(bob.muted(1));
  EXPECT_EQ(list_ids(alice), (ids{2, 1}));
  ASSERT_TRUE(alice.row(1).has_value());
  EXPECT_TRUE(alice.row(1)->muted);
  EXPECT_FALSE(bob.row(1)->muted);
}

TEST(Muting, NoAlertsAndLeftOutOfBadge) {
  // Given two unread conversations, when alice mutes one
  auto w = numbered_world(2);
  auto inbox = w.inbox_for("alice");
  ASSERT_EQ(inbox.current_badge(), (badge{2, 2}));
  inbox.set_muted(2, true);
  // Then it leaves her badge and raises no alert, while the other still does
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
  EXPECT_FALSE(inbox.raise_alert(alert_kind::message, 2, 99, 1000).has_value());
  EXPECT_TRUE(inbox.raise_alert(alert_kind::message, 1, 98, 1000).has_value());
  // and new messages in it still do not count
  w.receive(2, 2000);
  w.sync(inbox, 2);
  EXPECT_EQ(inbox.current_badge(), (badge{1, 1}));
}

// ---- Archive and hide in listings ---------------------------------------------------------

TEST(Archive, ListedOnlyInArchivedAndAll) {
  auto w = numbered_world(2);
  w.conv(1).set_archived(true);
  auto inbox = w.inbox_for("alice");
  EXPECT_EQ(list_ids(inbox), ids{2});
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::unread)), ids{2});
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::archived)), ids{1});
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::all)), (ids{2, 1}));
}

TEST(Hide, HiddenLeftOutUntilNewMessage) {
  // Given conversations 1..3 and 2 hidden
  auto w = numbered_world(3);
  auto inbox = w.inbox_for("alice");
  w.conv(2).set_hidden(true);
  w.sync(inbox, 2);
  // Then every listing leaves it out
  EXPECT_EQ(list_ids(inbox), (ids{3, 1}));
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::all)), (ids{3, 1}));
  EXPECT_EQ(list_ids(inbox, folder_query(folder_filter::unread)), (ids{3, 1}));
  inbox_query none;
  none.assignee = "none";
  EXPECT_EQ(list_ids(inbox, none, true), (ids{3, 1}));
  // also when pinned
  inbox.set_pinned(2, true);
  EXPECT_EQ(list_ids(inbox), (ids{3, 1}));
  // When a new message arrives
  w.receive(2, 1000);
  w.sync(inbox, 2);
  // Then it is back
  EXPECT_EQ(list_ids(inbox), (ids{2, 3, 1}));
}

TEST(Hide, OutboundAlsoBringsItBack) {
  auto w = numbered_world(2);
  auto inbox = w.inbox_for("alice");
  w.conv(1).set_hidden(true);
  w.sync(inbox, 1);
  ASSERT_EQ(list_ids(inbox), ids{2});
  w.send(1, 1000, message_kind::notification);
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), (ids{1, 2}));
}

TEST(Hide, SystemMessageDoesNotBringItBack) {
  auto w = numbered_world(2);
  auto inbox = w.inbox_for("alice");
  w.conv(1).set_hidden(true);
  w.system_text(1, 1000);
  w.sync(inbox, 1);
  EXPECT_EQ(list_ids(inbox), ids{2});
}

TEST(Hide, SearchFindsHidden) {
  auto w = numbered_world(3);
  auto inbox = w.inbox_for("alice");
  w.conv(2).set_hidden(true);
  w.sync(inbox, 2);
  inbox_query q;
  q.q = "5557771002";
  auto r = inbox.list(q, false);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(ids_of(*r), ids{2});
  EXPECT_TRUE(r->rows[0].view.hidden);
  q.q = "555777";
  EXPECT_EQ(list_ids(inbox, q), (ids{3, 2, 1}));
}

}  // namespace
}  // namespace msgcenter
