// Journal/snapshot records round trip; unknown tags are skipped, missing ones defaulted,
// mistyped ones refused; and the store detects corruption instead of skipping.
#include "msgcenter/persistence/records.hpp"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <future>

#include "msgcenter/persistence/schema.hpp"
#include "msgcenter/persistence/store.hpp"
#include "tagged_edit.hpp"
#include "test_support.hpp"

namespace msgcenter::persistence {
namespace {

conversation_record sample_conversation() {
  conversation_record r;
  r.business = "spa";
  r.image.id = 7;
  r.image.number = "+12025550100";
  r.image.phone = "+12025550142";
  r.image.location = "north";
  contact_card c;
  c.id = "k1";
  c.first_name = "Zoë";
  c.groups = {"vip", "spa"};
  r.image.contact = c;
  r.image.archived = true;
  r.image.assignee = "ana";
  r.image.inbound_count = 3;
  r.image.types = 5;
  r.image.shared_read = {2, true, 1, 9};
  r.image.staff_read["ben"] = {3, false, 2, 11};
  r.image.read_stamp = 11;
  message m;
  m.id = 42;
  m.conversation = 7;
  m.body = "hello 😀";
  m.media = {{"https://x/y.jpg", "image/jpeg", 1234}};
  m.provider_id = "SM1";
  r.messages = {m};
  return r;
}

TEST(Records, ConversationRecord_RoundTripsEveryField) {
  auto r = sample_conversation();
  auto bytes = encode_record(r);
  auto back = decode_record(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  auto& c = std::get<conversation_record>(back.value());
  EXPECT_EQ(c.business, "spa");
  EXPECT_EQ(c.image.contact->first_name, "Zoë");
  EXPECT_EQ(c.image.contact->groups, (std::vector<std::string>{"vip", "spa"}));
  EXPECT_TRUE(c.image.archived);
  EXPECT_EQ(c.image.shared_read, r.image.shared_read);
  EXPECT_EQ(c.image.shared_read.stamp, 9u);
  EXPECT_EQ(c.image.staff_read.at("ben").seen, 3u);
  EXPECT_EQ(c.image.read_stamp, 11u);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].body, "hello 😀");
  EXPECT_EQ(encode_record(c), bytes) << "encoding is stable";
}

TEST(Records, DirectoryRecord_KeepsSecretsAndStaff) {
  directory_record r;
  r.business_no = 3;
  r.dir.business = "spa";
  r.dir.settings.twilio_auth_token = "secret";
  r.dir.settings.read_status = read_status_mode::per_staff;
  r.dir.read_mode_epoch = 4;
  r.dir.numbers["+12025550100"] = {"+12025550100", "north"};
  r.dir.staff["ana"] = {"ana", "Ana", 7, {"north"}, true};
  r.dir.templates["t"] = {"t", "Hi {first_name}"};
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.ok());
  auto& d = std::get<directory_record>(back.value());
  EXPECT_EQ(d.business_no, 3u);
  EXPECT_EQ(d.dir.settings.twilio_auth_token, "secret");
  EXPECT_EQ(d.dir.settings.read_status, read_status_mode::per_staff);
  EXPECT_EQ(d.dir.read_mode_epoch, 4u);
  EXPECT_TRUE(d.dir.staff.at("ana").subscribe_all);
  EXPECT_EQ(d.dir.templates.at("t").body, "Hi {first_name}");
}

TEST(Records, EveryOtherRecordType_RoundTripsEveryField) {
  contact_record c;
  c.business = "spa";
  c.value.id = "k9";
  c.value.kind = contact_kind::lead;
  c.value.first_name = "Ana";
  c.value.service_owner = "ben";
  c.value.phones = {"+12025550142", "+12025550143"};
  auto cb = decode_record(encode_record(c));
  ASSERT_TRUE(cb.ok()) << cb.error().message;
  auto& c2 = std::get<contact_record>(cb.value());
  EXPECT_EQ(c2.business, "spa");
  EXPECT_EQ(c2.value.kind, contact_kind::lead);
  EXPECT_EQ(c2.value.service_owner, "ben");
  EXPECT_EQ(c2.value.phones, c.value.phones);

  auto yb =
      decode_record(encode_record(consent_record{"spa", "+1202", "+1303", consent_state::yes}));
  ASSERT_TRUE(yb.ok()) << yb.error().message;
  auto& y = std::get<consent_record>(yb.value());
  EXPECT_EQ(y.phone, "+1202");
  EXPECT_EQ(y.number, "+1303");
  EXPECT_EQ(y.state, consent_state::yes);

  alert a{5, alert_kind::assigned, 7, 0, -12, true};
  auto ib = decode_record(
      encode_record(inbox_record{"spa", "ana", inbox_record::change::alert_acked, 7, {a}}));
  ASSERT_TRUE(ib.ok()) << ib.error().message;
  auto& i = std::get<inbox_record>(ib.value());
  EXPECT_EQ(i.staff, "ana");
  EXPECT_EQ(i.what, inbox_record::change::alert_acked);
  EXPECT_EQ(i.conversation, 7u);
  ASSERT_EQ(i.alerts.size(), 1u);
  EXPECT_EQ(i.alerts[0].kind, alert_kind::assigned);
  EXPECT_EQ(i.alerts[0].at, -12);
  EXPECT_TRUE(i.alerts[0].acked);

  auto mb = decode_record(encode_record(inbox_image{"spa", "ana", {1, 9}, {4}, {a, a}}));
  ASSERT_TRUE(mb.ok()) << mb.error().message;
  auto& m = std::get<inbox_image>(mb.value());
  EXPECT_EQ(m.pins, (std::set<conversation_id>{1, 9}));
  EXPECT_EQ(m.mutes, (std::set<conversation_id>{4}));
  EXPECT_EQ(m.alerts.size(), 2u);
}

TEST(Records, UnknownTags_AreSkippedAtEveryLevel) {
  auto r = sample_conversation();
  const std::string bytes = encode_record(r);
  auto extra = [](std::uint64_t tag) {
    testing::map_edit e;
    e.extra.push_back([tag](packer& pk) {
      pk.pack_uint64(tag);
      testing::pack_str(pk, "from a newer build");
    });
    return e;
  };
  // The record's fields, the image, the image's contact card, a message (record index 1 is
  // the field map; tag 2 the image, 5 its contact; tag 3 the messages, [0] the first).
  for (const auto& path :
       std::vector<std::vector<std::uint64_t>>{{1}, {1, 2}, {1, 2, 5}, {1, 3, 0}, {1, 2, 20}}) {
    auto back = decode_record(testing::edit(bytes, path, extra(77)));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(encode_record(back.value()), bytes) << "the unknown tag is dropped, nothing else";
  }
}

TEST(Records, MissingTags_TakeDefaults) {
  // A conversation without its contact (5) and read stamp (22): no contact, stamp 0.
  auto back = decode_record(testing::edit(encode_record(sample_conversation()), {1, 2},
                                          testing::map_edit{{5, 22}, {}, {}}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  auto& c = std::get<conversation_record>(back.value());
  EXPECT_FALSE(c.image.contact.has_value());
  EXPECT_EQ(c.image.read_stamp, 0u);
  EXPECT_TRUE(c.image.archived) << "other tags kept";
  // Settings without a help text (7) get the built-in one, not an empty string.
  directory_record d;
  d.dir.business = "spa";
  d.dir.settings.help_text = "custom";
  d.dir.settings.opt_out_text = "bye";
  auto dir =
      decode_record(testing::edit(encode_record(d), {1, 2, 5}, testing::map_edit{{7}, {}, {}}));
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  auto& s = std::get<directory_record>(dir.value()).dir.settings;
  EXPECT_EQ(s.help_text, business_settings{}.help_text);
  EXPECT_EQ(s.opt_out_text, "bye");
  // A contact record of nothing but its business.
  auto bare = decode_record(
      testing::edit(encode_record(contact_record{"spa", {}}), {1}, testing::map_edit{{2}, {}, {}}));
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(std::get<contact_record>(bare.value()).business, "spa");
}

TEST(Records, MistypedTag_IsRefusedWithItsPath) {
  testing::map_edit e;
  e.replace[11] = [](packer& pk) { testing::pack_str(pk, "yes"); };
  auto r = decode_record(testing::edit(encode_record(sample_conversation()), {1, 2}, e));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_NE(r.error().message.find(
                "conversation_record.image(2).archived(11): expected boolean, found string"),
            std::string::npos)
      << r.error().message;
  testing::map_edit id;
  id.replace[1] = [](packer& pk) { pk.pack_true(); };
  auto m = decode_record(testing::edit(encode_record(sample_conversation()), {1, 3, 0}, id));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(
      m.error().message.find(
          "conversation_record.messages(3)[0].id(1): expected unsigned integer, found boolean"),
      std::string::npos)
      << m.error().message;
  testing::map_edit what;
  what.replace[3] = [](packer& pk) { pk.pack_uint64(6); };
  auto w = decode_record(testing::edit(
      encode_record(inbox_record{"spa", "ana", inbox_record::change::pin, 7, {}}), {1}, what));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("inbox_record.what(3): value 6 out of range 0..5"),
            std::string::npos)
      << w.error().message;
}

TEST(Records, UnknownRecordTypeOrShape_IsRefused) {
  std::string out;
  string_buffer buf(out);
  packer pk(buf);
  pk.pack_array(2);
  pk.pack_uint64(9);
  pk.pack_map(0);
  auto r = decode_record(out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown type 9"), std::string::npos) << r.error().message;
  out.clear();
  pk.pack_map(0);
  auto m = decode_record(out);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("expected [type, {fields}]"), std::string::npos);
}

TEST(Records, TruncatedOrGarbage_IsInvalidArgument) {
  auto bytes = encode_record(sample_conversation());
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    auto r = decode_record(std::string_view(bytes).substr(0, cut));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, errc::invalid_argument);
  }
  EXPECT_FALSE(decode_record("\xc1\xc1\xc1").ok());
}

TEST(Store, CorruptJournalRecord_IsReportedNotSkipped) {
  testing::temp_dir dir;
  {
    auto s = store::open(dir.path().string());
    ASSERT_TRUE(s.ok());
    for (int i = 0; i < 3; ++i) {
      std::promise<status> done;
      s.value()->append(encode_record(sample_conversation()),
                        [&](status st) { done.set_value(st); });
      ASSERT_TRUE(done.get_future().get().ok());
    }
    ASSERT_TRUE(s.value()->close().ok());
  }
  // Flip one byte of the second record's payload behind LMDB's back.
  {
    MDB_env* e = nullptr;
    ASSERT_EQ(mdb_env_create(&e), 0);
    mdb_env_set_maxdbs(e, 16);
    ASSERT_EQ(mdb_env_open(e, dir.path().string().c_str(), 0, 0644), 0);
    MDB_txn* t = nullptr;
    ASSERT_EQ(mdb_txn_begin(e, nullptr, 0, &t), 0);
    MDB_dbi db;
    ASSERT_EQ(mdb_dbi_open(t, "journal", 0, &db), 0);
    auto key = journal_key(2);
    MDB_val k{key.size(), key.data()}, v;
    ASSERT_EQ(mdb_get(t, db, &k, &v), 0);
    std::string copy(static_cast<char*>(v.mv_data), v.mv_size);
    copy[copy.size() / 2] ^= 0x20;
    MDB_val nv{copy.size(), copy.data()};
    ASSERT_EQ(mdb_put(t, db, &k, &nv, 0), 0);
    ASSERT_EQ(mdb_txn_commit(t), 0);
    mdb_env_close(e);
  }
  auto s = store::open(dir.path().string());
  ASSERT_TRUE(s.ok());
  auto r = s.value()->recover();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_argument);
  EXPECT_NE(r.error().message.find("seq 2"), std::string::npos) << r.error().message;
}

TEST(Store, CompactFoldsJournalIntoSnapshot_AndRecoveryIsUnchanged) {
  testing::temp_dir dir;
  auto s = std::move(store::open(dir.path().string()).value());
  auto append = [&](record r) {
    std::promise<status> done;
    s->append(encode_record(r), [&](status st) { done.set_value(st); });
    ASSERT_TRUE(done.get_future().get().ok());
  };
  directory_record d;
  d.business_no = 1;
  d.dir.business = "spa";
  append(d);
  append(sample_conversation());
  append(consent_record{"spa", "+12025550142", "+12025550100", consent_state::no});
  append(inbox_record{"spa", "ana", inbox_record::change::pin, 7, {}});
  alert al;
  al.id = 3;
  al.conversation = 7;
  append(inbox_record{"spa", "ana", inbox_record::change::alert_raised, 0, {al}});
  auto before = s->recover();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->replayed_records, 5u);
  ASSERT_TRUE(s->compact().ok());
  auto after = s->recover();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->replayed_records, 0u) << "everything now comes from the snapshot";
  auto& b = after->businesses.at("spa");
  EXPECT_EQ(b.conversations.at(7).messages.at(42).body, "hello 😀");
  EXPECT_EQ(b.conversations.at(7).messages.at(42).conversation, 7u);
  EXPECT_EQ(b.consent.at({"+12025550142", "+12025550100"}), consent_state::no);
  EXPECT_EQ(b.inboxes.at("ana").pins.count(7), 1u);
  EXPECT_EQ(b.inboxes.at("ana").alerts.at(3).conversation, 7u);
  EXPECT_EQ(b.conversations.at(7).image.assignee, "ana");
}

}  // namespace
}  // namespace msgcenter::persistence
