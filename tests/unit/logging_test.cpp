// --log-format json: each line one JSON object with the state change's fields, valid whatever
// the message holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/health.hpp"
#include "log/logging.hpp"
#include "support/sample_reports.hpp"

namespace bedrock_reach {
namespace {

TEST(JsonLog, OneObjectPerLineWithFieldsInLowerCase) {
  const std::string line =
      json_log_line("2026-12-04T17:00:00.000Z", "error", "bedrock-reach",
                    "status ok -> critical: \"quoted\"\n\x1b[31m\xff",
                    {{"BEDROCK_REACH_STATUS", "critical"}, {"BEDROCK_REACH_CODES", "A,B"}});
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
  const auto doc = nlohmann::json::parse(line);
  EXPECT_EQ(doc.at("level"), "error");
  EXPECT_EQ(doc.at("ts"), "2026-12-04T17:00:00.000Z");
  EXPECT_EQ(doc.at("status"), "critical");
  EXPECT_EQ(doc.at("codes"), "A,B");
  EXPECT_NE(doc.at("msg").get<std::string>().find("\"quoted\""), std::string::npos);
}

TEST(StateFields, NameStatusCodesServicesAndRegion) {
  const Report report = samples::sg_blocks_report();
  const auto fields = state_fields(report, problem_codes(report));
  auto value = [&fields](const std::string& name) {
    for (const auto& [key, v] : fields) {
      if (key == name) return v;
    }
    return std::string("(absent)");
  };
  EXPECT_EQ(value("BEDROCK_REACH_STATUS"), "critical");
  EXPECT_NE(value("BEDROCK_REACH_CODES").find("SG_INGRESS_BLOCKS"), std::string::npos);
  EXPECT_EQ(value("BEDROCK_REACH_SERVICES"), "bedrock,bedrock-agent-runtime");
  EXPECT_EQ(value("BEDROCK_REACH_REGION"), "us-east-1");
  const auto ok = state_fields(samples::healthy_report(), {});
  EXPECT_EQ(ok.front(), (std::pair<std::string, std::string>{"BEDROCK_REACH_STATUS", "ok"}));
  for (const auto& [key, v] : ok) EXPECT_NE(key, "BEDROCK_REACH_CODES");
}

}  // namespace
}  // namespace bedrock_reach
