// The export pages (security review M9): the engine hands an export out in pages of
// export_request::limit messages, merged across conversations in message order, so a large
// export is many short turns of its shard. Paging must not change a byte of the result.
#include <gtest/gtest.h>

#include <sstream>

#include "engine_fixture.hpp"

namespace msgcenter::testing {
namespace {

class ExportPages : public EngineTest {};

std::vector<std::string> lines_of(const std::string& csv) {
  std::vector<std::string> out;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(ExportPages, AnyPageSize_GivesTheSameExport_InMessageOrder) {
  // 9 conversations, texts and replies interleaved: each conversation's messages are spread
  // over the whole id range, so every page merges several conversations.
  for (int round = 0; round < 7; ++round) {
    for (int k = 0; k < 9; ++k) {
      const std::string phone = "+1202555017" + std::to_string(k);
      auto in = receive("round " + std::to_string(round) + " from " + std::to_string(k), phone);
      if ((round + k) % 3 == 0) {
        send_request s;
        s.conversation = in.conversation;
        s.body = "reply " + std::to_string(round);
        ASSERT_TRUE(mc->send(as("ana"), s).ok());
      }
    }
  }
  export_request whole;
  whole.limit = 100000;
  auto one = mc->export_csv(as("ana"), whole);
  ASSERT_TRUE(one.ok()) << one.error().message;
  const auto rows = lines_of(one->csv);
  ASSERT_EQ(rows.size(), 1u + 63u + 21u) << "a header and every message once";
  for (std::size_t limit : {1u, 2u, 7u, 63u, 84u, 85u}) {
    export_request paged;
    paged.limit = limit;
    auto r = mc->export_csv(as("ana"), paged);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->csv, one->csv) << "pages of " << limit;
  }
  // The rows are in message order: ids m1, m2, ... with none missing or repeated.
  for (std::size_t i = 1; i < rows.size(); ++i)
    EXPECT_EQ(rows[i].rfind("m" + std::to_string(i) + ",", 0), 0u) << rows[i];
  // One conversation pages the same way.
  export_request single;
  single.conversation = receive("last", "+12025550170").conversation;
  single.limit = 2;
  auto conv = mc->export_csv(as("ana"), single);
  ASSERT_TRUE(conv.ok());
  EXPECT_EQ(lines_of(conv->csv).size(), 1u + 7u + 3u + 1u);
}

}  // namespace
}  // namespace msgcenter::testing
