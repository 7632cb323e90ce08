#include "msgcenter/persistence/records.hpp"

#include "msgcenter/persistence/codec.hpp"

namespace msgcenter::persistence {
namespace {

constexpr std::uint64_t kVersion = 1;
enum record_type : std::uint64_t {
  t_directory = 1,
  t_contact = 2,
  t_consent = 3,
  t_conversation = 4,
  t_inbox = 5,
  t_inbox_image = 6,
};

// ---- writing ------------------------------------------------------------------------

void pack_strings(packer& pk, const std::vector<std::string>& v) {
  pk.pack_array(static_cast<std::uint32_t>(v.size()));
  for (auto& s : v) pk.pack(s);
}

void pack_card(packer& pk, const contact_card& c) {
  pk.pack_array(11);
  pk.pack(c.id);
  pk.pack(static_cast<std::uint64_t>(c.kind));
  pk.pack(c.first_name);
  pk.pack(c.last_name);
  pk.pack(c.email);
  pk.pack(c.uid);
  pk.pack(c.client_type);
  pack_strings(pk, c.groups);
  pk.pack(c.home_location);
  pk.pack(c.sales_owner);
  pk.pack(c.service_owner);
}

void pack_read_point(packer& pk, const read_point& p) {
  pk.pack_array(4);
  pk.pack(p.seen);
  pk.pack(p.marked_unread);
  pk.pack(static_cast<std::uint64_t>(p.epoch));
  pk.pack(p.stamp);
}

void pack_alert(packer& pk, const alert& a) {
  pk.pack_array(6);
  pk.pack(a.id);
  pk.pack(static_cast<std::uint64_t>(a.kind));
  pk.pack(a.conversation);
  pk.pack(a.message);
  pk.pack(static_cast<std::int64_t>(a.at));
  pk.pack(a.acked);
}

void pack_settings(packer& pk, const business_settings& s) {
  pk.pack_array(13);
  pk.pack(static_cast<std::uint64_t>(s.read_status));
  pk.pack(static_cast<std::uint64_t>(s.visibility));
  pk.pack(static_cast<std::uint64_t>(s.consent));
  pk.pack(s.notify_sales);
  pk.pack(s.notify_service);
  pk.pack(s.timezone);
  pk.pack(s.help_text);
  pk.pack(s.opt_out_text);
  pk.pack(s.opt_in_request_text);
  pk.pack(s.opt_in_confirmation_text);
  pk.pack(s.twilio_account_sid);
  pk.pack(s.twilio_auth_token);
  pk.pack(std::uint64_t{0});  // reserved
}

struct packer_visitor {
  packer& pk;

  void operator()(const directory_record& r) {
    const auto& d = r.dir;
    pk.pack_array(12);
    pk.pack(kVersion);
    pk.pack(std::uint64_t{t_directory});
    pk.pack(d.business);
    pk.pack(static_cast<std::uint64_t>(r.business_no));
    pk.pack(d.name);
    pk.pack(d.region);
    pk.pack(d.default_number);
    pack_settings(pk, d.settings);
    pk.pack(static_cast<std::uint64_t>(d.read_mode_epoch));
    pk.pack_array(static_cast<std::uint32_t>(d.numbers.size()));
    for (auto& [n, info] : d.numbers) {
      pk.pack_array(2);
      pk.pack(info.number);
      pk.pack(info.location);
    }
    pk.pack_array(static_cast<std::uint32_t>(d.staff.size()));
    for (auto& [id, s] : d.staff) {
      pk.pack_array(5);
      pk.pack(s.id);
      pk.pack(s.name);
      pk.pack(static_cast<std::uint64_t>(s.rights));
      pack_strings(pk, s.locations);
      pk.pack(s.subscribe_all);
    }
    pk.pack_array(static_cast<std::uint32_t>(d.templates.size()));
    for (auto& [name, t] : d.templates) {
      pk.pack_array(2);
      pk.pack(t.name);
      pk.pack(t.body);
    }
  }

  void operator()(const contact_record& r) {
    pk.pack_array(5);
    pk.pack(kVersion);
    pk.pack(std::uint64_t{t_contact});
    pk.pack(r.business);
    pack_card(pk, r.value);
    pack_strings(pk, r.value.phones);
  }

  void operator()(const consent_record& r) {
    pk.pack_array(6);
    pk.pack(kVersion);
    pk.pack(std::uint64_t{t_consent});
    pk.pack(r.business);
    pk.pack(r.phone);
    pk.pack(r.number);
    pk.pack(static_cast<std::uint64_t>(r.state));
  }

  void operator()(const conversation_record& r) {
    const auto& im = r.image;
    pk.pack_array(5);
    pk.pack(kVersion);
    pk.pack(std::uint64_t{t_conversation});
    pk.pack(r.business);
    pk.pack_array(22);
    pk.pack(im.id);
    pk.pack(im.number);
    pk.pack(im.phone);
    pk.pack(im.location);
    if (im.contact)
      pack_card(pk, *im.contact);
    else
      pk.pack_nil();
    pk.pack(static_cast<std::int64_t>(im.created_at));
    pk.pack(static_cast<std::int64_t>(im.last_time));
    pk.pack(static_cast<std::int64_t>(im.last_activity));
    pk.pack(static_cast<std::uint64_t>(im.last_direction));
    pk.pack(im.preview);
    pk.pack(im.archived);
    pk.pack(im.hidden);
    pk.pack(im.assignee);
    pk.pack(im.last_manual_sender);
    pk.pack(im.message_count);
    pk.pack(im.inbound_count);
    pk.pack(im.inbound_at_last_outbound);
    pk.pack(static_cast<std::uint64_t>(im.types));
    pk.pack(im.failed_count);
    pack_read_point(pk, im.shared_read);
    pk.pack_array(static_cast<std::uint32_t>(im.staff_read.size()));
    for (auto& [staff, p] : im.staff_read) {
      pk.pack_array(2);
      pk.pack(staff);
      pack_read_point(pk, p);
    }
    pk.pack(im.read_stamp);
    pk.pack_array(static_cast<std::uint32_t>(r.messages.size()));
    for (auto& m : r.messages) pack_message(pk, m);
  }

  void operator()(const inbox_record& r) {
    pk.pack_array(7);
    pk.pack(kVersion);
    pk.pack(std::uint64_t{t_inbox});
    pk.pack(r.business);
    pk.pack(r.staff);
    pk.pack(static_cast<std::uint64_t>(r.what));
    pk.pack(r.conversation);
    pk.pack_array(static_cast<std::uint32_t>(r.alerts.size()));
    for (auto& a : r.alerts) pack_alert(pk, a);
  }

  void operator()(const inbox_image& r) {
    pk.pack_array(7);
    pk.pack(kVersion);
    pk.pack(std::uint64_t{t_inbox_image});
    pk.pack(r.business);
    pk.pack(r.staff);
    pk.pack_array(static_cast<std::uint32_t>(r.pins.size()));
    for (auto id : r.pins) pk.pack(id);
    pk.pack_array(static_cast<std::uint32_t>(r.mutes.size()));
    for (auto id : r.mutes) pk.pack(id);
    pk.pack_array(static_cast<std::uint32_t>(r.alerts.size()));
    for (auto& a : r.alerts) pack_alert(pk, a);
  }
};

// ---- reading ------------------------------------------------------------------------

#define MC_TRY(var, expr)               \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(var##_r.value())

template <class E>
result<E> read_enum(array_reader& r, E max) {
  MC_TRY(v, r.u64_max(static_cast<std::uint64_t>(max)));
  return static_cast<E>(v);
}

result<std::vector<std::string>> read_strings(array_reader& r) {
  MC_TRY(a, r.array());
  std::vector<std::string> out;
  while (a.remaining() > 0) {
    MC_TRY(s, a.str());
    out.push_back(std::move(s));
  }
  return out;
}

result<contact_card> read_card_object(const msgpack::object& o) {
  MC_TRY(r, array_reader::open(o, "contact"));
  contact_card c;
  MC_TRY(id, r.str());
  c.id = std::move(id);
  MC_TRY(kind, read_enum(r, contact_kind::resource));
  c.kind = kind;
  MC_TRY(first, r.str());
  c.first_name = std::move(first);
  MC_TRY(last, r.str());
  c.last_name = std::move(last);
  MC_TRY(email, r.str());
  c.email = std::move(email);
  MC_TRY(uid, r.str());
  c.uid = std::move(uid);
  MC_TRY(ct, r.str());
  c.client_type = std::move(ct);
  MC_TRY(groups, read_strings(r));
  c.groups = std::move(groups);
  MC_TRY(home, r.str());
  c.home_location = std::move(home);
  MC_TRY(sales, r.str());
  c.sales_owner = std::move(sales);
  MC_TRY(service, r.str());
  c.service_owner = std::move(service);
  return c;
}

result<contact_card> read_card(array_reader& outer) {
  MC_TRY(o, outer.any());
  return read_card_object(*o);
}

result<read_point> read_point_of(array_reader& outer) {
  MC_TRY(r, outer.array());
  read_point p;
  MC_TRY(seen, r.u64());
  p.seen = seen;
  MC_TRY(marked, r.boolean());
  p.marked_unread = marked;
  MC_TRY(epoch, r.u64_max(UINT32_MAX));
  p.epoch = static_cast<std::uint32_t>(epoch);
  MC_TRY(stamp, r.u64());
  p.stamp = stamp;
  return p;
}

result<alert> read_alert(array_reader& outer) {
  MC_TRY(r, outer.array());
  alert a;
  MC_TRY(id, r.u64());
  a.id = id;
  MC_TRY(kind, read_enum(r, alert_kind::assigned));
  a.kind = kind;
  MC_TRY(conv, r.u64());
  a.conversation = conv;
  MC_TRY(msg, r.u64());
  a.message = msg;
  MC_TRY(at, r.i64());
  a.at = at;
  MC_TRY(acked, r.boolean());
  a.acked = acked;
  return a;
}

result<business_settings> read_settings(array_reader& outer) {
  MC_TRY(r, outer.array());
  business_settings s;
  MC_TRY(rs, read_enum(r, read_status_mode::per_staff));
  s.read_status = rs;
  MC_TRY(vis, read_enum(r, visibility_mode::assigned));
  s.visibility = vis;
  MC_TRY(cm, read_enum(r, consent_mode::double_opt_in));
  s.consent = cm;
  MC_TRY(ns, r.boolean());
  s.notify_sales = ns;
  MC_TRY(nv, r.boolean());
  s.notify_service = nv;
  std::string* texts[] = {&s.timezone,
                          &s.help_text,
                          &s.opt_out_text,
                          &s.opt_in_request_text,
                          &s.opt_in_confirmation_text,
                          &s.twilio_account_sid,
                          &s.twilio_auth_token};
  for (auto* t : texts) {
    MC_TRY(v, r.str());
    *t = std::move(v);
  }
  return s;
}

result<record> read_directory(array_reader& r, std::string business) {
  directory_record out;
  auto& d = out.dir;
  d.business = std::move(business);
  MC_TRY(no, r.u64_max(UINT32_MAX));
  out.business_no = static_cast<std::uint32_t>(no);
  MC_TRY(name, r.str());
  d.name = std::move(name);
  MC_TRY(region, r.str());
  d.region = std::move(region);
  MC_TRY(def, r.str());
  d.default_number = std::move(def);
  MC_TRY(settings, read_settings(r));
  d.settings = std::move(settings);
  MC_TRY(epoch, r.u64_max(UINT32_MAX));
  d.read_mode_epoch = static_cast<std::uint32_t>(epoch);
  MC_TRY(numbers, r.array());
  while (numbers.remaining() > 0) {
    MC_TRY(n, numbers.array());
    MC_TRY(num, n.str());
    MC_TRY(loc, n.str());
    d.numbers[num] = number_info{num, loc};
  }
  MC_TRY(staff, r.array());
  while (staff.remaining() > 0) {
    MC_TRY(s, staff.array());
    staff_member m;
    MC_TRY(id, s.str());
    m.id = std::move(id);
    MC_TRY(name2, s.str());
    m.name = std::move(name2);
    MC_TRY(rights, s.u64_max(UINT32_MAX));
    m.rights = static_cast<rights_mask>(rights);
    MC_TRY(locs, read_strings(s));
    m.locations = std::move(locs);
    MC_TRY(sub, s.boolean());
    m.subscribe_all = sub;
    auto key = m.id;
    d.staff[key] = std::move(m);
  }
  MC_TRY(templates, r.array());
  while (templates.remaining() > 0) {
    MC_TRY(t, templates.array());
    MC_TRY(tn, t.str());
    MC_TRY(tb, t.str());
    d.templates[tn] = text_template{tn, tb};
  }
  return record(std::move(out));
}

result<record> read_conversation(array_reader& r, std::string business) {
  conversation_record out;
  out.business = std::move(business);
  auto& im = out.image;
  MC_TRY(h, r.array());
  MC_TRY(id, h.u64());
  im.id = id;
  MC_TRY(number, h.str());
  im.number = std::move(number);
  MC_TRY(phone, h.str());
  im.phone = std::move(phone);
  MC_TRY(location, h.str());
  im.location = std::move(location);
  MC_TRY(contact_obj, h.any());
  if (contact_obj->type != msgpack::type::NIL) {
    MC_TRY(card, read_card_object(*contact_obj));
    im.contact = std::move(card);
  }
  MC_TRY(created, h.i64());
  im.created_at = created;
  MC_TRY(last_time, h.i64());
  im.last_time = last_time;
  MC_TRY(last_activity, h.i64());
  im.last_activity = last_activity;
  MC_TRY(dir, read_enum(h, direction::out));
  im.last_direction = dir;
  MC_TRY(preview, h.str());
  im.preview = std::move(preview);
  MC_TRY(archived, h.boolean());
  im.archived = archived;
  MC_TRY(hidden, h.boolean());
  im.hidden = hidden;
  MC_TRY(assignee, h.str());
  im.assignee = std::move(assignee);
  MC_TRY(sender, h.str());
  im.last_manual_sender = std::move(sender);
  MC_TRY(mc, h.u64());
  im.message_count = mc;
  MC_TRY(ic, h.u64());
  im.inbound_count = ic;
  MC_TRY(ilo, h.u64());
  im.inbound_at_last_outbound = ilo;
  MC_TRY(types, h.u64_max(255));
  im.types = static_cast<std::uint8_t>(types);
  MC_TRY(fc, h.u64());
  im.failed_count = fc;
  MC_TRY(shared, read_point_of(h));
  im.shared_read = shared;
  MC_TRY(staff, h.array());
  while (staff.remaining() > 0) {
    MC_TRY(e, staff.array());
    MC_TRY(who, e.str());
    MC_TRY(p, read_point_of(e));
    im.staff_read[who] = p;
  }
  MC_TRY(stamp, h.u64());
  im.read_stamp = stamp;
  MC_TRY(msgs, r.array());
  while (msgs.remaining() > 0) {
    MC_TRY(o, msgs.any());
    auto m = unpack_message(*o);
    if (!m) return m.error();
    out.messages.push_back(std::move(m.value()));
  }
  return record(std::move(out));
}

result<record> read_any(const msgpack::object& o) {
  MC_TRY(r, array_reader::open(o, "record"));
  MC_TRY(version, r.u64());
  if (version != kVersion) return make_error(errc::invalid_argument, "record: unknown version");
  MC_TRY(type, r.u64());
  MC_TRY(business, r.str());
  switch (type) {
    case t_directory:
      return read_directory(r, std::move(business));
    case t_contact: {
      contact_record out;
      out.business = std::move(business);
      MC_TRY(card, read_card(r));
      static_cast<contact_card&>(out.value) = std::move(card);
      MC_TRY(phones, read_strings(r));
      out.value.phones = std::move(phones);
      return record(std::move(out));
    }
    case t_consent: {
      consent_record out;
      out.business = std::move(business);
      MC_TRY(phone, r.str());
      out.phone = std::move(phone);
      MC_TRY(number, r.str());
      out.number = std::move(number);
      MC_TRY(state, read_enum(r, consent_state::no));
      out.state = state;
      return record(std::move(out));
    }
    case t_conversation:
      return read_conversation(r, std::move(business));
    case t_inbox: {
      inbox_record out;
      out.business = std::move(business);
      MC_TRY(staff, r.str());
      out.staff = std::move(staff);
      MC_TRY(what, read_enum(r, inbox_record::change::alert_acked));
      out.what = what;
      MC_TRY(conv, r.u64());
      out.conversation = conv;
      MC_TRY(alerts, r.array());
      while (alerts.remaining() > 0) {
        MC_TRY(a, read_alert(alerts));
        out.alerts.push_back(a);
      }
      return record(std::move(out));
    }
    case t_inbox_image: {
      inbox_image out;
      out.business = std::move(business);
      MC_TRY(staff, r.str());
      out.staff = std::move(staff);
      MC_TRY(pins, r.array());
      while (pins.remaining() > 0) {
        MC_TRY(id, pins.u64());
        out.pins.insert(id);
      }
      MC_TRY(mutes, r.array());
      while (mutes.remaining() > 0) {
        MC_TRY(id, mutes.u64());
        out.mutes.insert(id);
      }
      MC_TRY(alerts, r.array());
      while (alerts.remaining() > 0) {
        MC_TRY(a, read_alert(alerts));
        out.alerts.push_back(a);
      }
      return record(std::move(out));
    }
    default:
      return make_error(errc::invalid_argument, "record: unknown type");
  }
}

#undef MC_TRY

}  // namespace

std::string encode_record(const record& r) {
  std::string out;
  string_buffer buf(out);
  packer pk(buf);
  std::visit(packer_visitor{pk}, r);
  return out;
}

result<record> decode_record(std::string_view bytes) {
  decode_limits limits;
  limits.max_bytes = std::size_t{64} << 20;  // a conversation record of a large batch
  limits.max_array = std::size_t{1} << 20;
  limits.max_depth = 8;
  auto handle = decode(bytes, limits);
  if (!handle) return handle.error();
  try {
    return read_any(handle.value().get());
  } catch (const std::exception& e) {
    return make_error(errc::invalid_argument, std::string("record: ") + e.what());
  }
}

}  // namespace msgcenter::persistence
