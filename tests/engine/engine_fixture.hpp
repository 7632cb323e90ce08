// A running engine with one business, two numbers and staff, for engine-level tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "msgcenter/message_center.hpp"

namespace msgcenter::testing {

inline rights_mask all_rights() {
  return bit(right::view_messages) | bit(right::manage_messages) | bit(right::send_sms) |
         bit(right::remove_feed) | bit(right::export_) | bit(right::admin);
}

class EngineTest : public ::testing::Test {
 protected:
  static constexpr const char* kNumber = "+12025550100";
  static constexpr const char* kClient = "+12025550142";

  void SetUp() override {
    gateway_ = std::make_shared<local_gateway>();
    options o;
    o.outbound = gateway_;
    auto opened = message_center::open(o);
    ASSERT_TRUE(opened.ok());
    mc = std::move(opened.value());
    ASSERT_TRUE(mc->business_put(admin(), {"Lotus Spa", "US", "", {}}).ok());
    ASSERT_TRUE(mc->number_put(admin(), {kNumber, "downtown"}).ok());
    put_staff("ana", all_rights());
    put_staff("ben", bit(right::view_messages) | bit(right::send_sms));
  }

  void TearDown() override {
    if (mc) mc->close();
  }

  op_context admin() const { return {"spa", "", std::nullopt}; }
  op_context as(const std::string& staff) const { return {"spa", staff, std::nullopt}; }

  void put_staff(const std::string& id, rights_mask rights, bool subscribe_all = false) {
    ASSERT_TRUE(mc->staff_put(admin(), {id, id, rights, {}, subscribe_all}).ok());
  }

  void set_read_status(read_status_mode mode) {
    business_put_request r{"Lotus Spa", "US", "", {}};
    r.settings.read_status = mode;
    ASSERT_TRUE(mc->business_put(admin(), r).ok());
  }

  inbound_reply receive(const std::string& body, const std::string& from = kClient,
                        const std::string& provider_id = "") {
    auto r = mc->inbound(admin(), {from, kNumber, body, {}, provider_id, std::nullopt});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : inbound_reply{};
  }

  badge badge_of(const std::string& staff) {
    auto b = mc->inbox_badge(as(staff));
    EXPECT_TRUE(b.ok());
    return b.ok() ? b.value() : badge{};
  }

  std::shared_ptr<local_gateway> gateway_;
  std::unique_ptr<message_center> mc;
};

}  // namespace msgcenter::testing
