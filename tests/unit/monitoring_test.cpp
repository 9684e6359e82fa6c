// The monitoring kit names only metrics the agent exports: every bedrock_reach_* name in the
// Grafana dashboard, the Prometheus rules and their unit tests is a family that
// render_report(prometheus) or the agent's own metrics declare (# TYPE). Renaming a metric
// without updating the kit fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "daemon/health.hpp"
#include "render/render.hpp"
#include "support/sample_reports.hpp"

namespace bedrock_reach {
namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(BR_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> names_in(const std::string& text, const std::regex& pattern) {
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

std::set<std::string> exported_families() {
  const std::regex type_line(R"(# TYPE (bedrock_reach_[A-Za-z0-9_:]+) )");
  std::set<std::string> families;
  for (const auto& [name, report] : samples::all_sample_reports()) {
    for (bool address_labels : {false, true}) {
      RenderOptions options;
      options.address_labels = address_labels;
      auto found = names_in(render_report(report, OutputFormat::prometheus, options), type_line);
      families.insert(found.begin(), found.end());
    }
  }
  auto agent = names_in(render_agent_metrics(AgentCounters{}, "test"), type_line);
  families.insert(agent.begin(), agent.end());
  return families;
}

const std::regex kUsedName(R"((bedrock_reach_[A-Za-z0-9_:]+))");

TEST(MonitoringKit, ExportedFamiliesAreFound) {
  const auto families = exported_families();
  for (const char* expected :
       {"bedrock_reach_status", "bedrock_reach_service_status", "bedrock_reach_tls_connect_seconds",
        "bedrock_reach_agent_healthy"}) {
    EXPECT_TRUE(families.count(expected)) << expected;
  }
}

TEST(MonitoringKit, DashboardQueriesUseOnlyExportedMetrics) {
  const std::string text = read_source_file("monitoring/grafana/bedrock-reach.json");
  ASSERT_FALSE(text.empty());
  const auto dashboard = nlohmann::json::parse(text);
  const auto families = exported_families();
  std::set<std::string> used;
  size_t queries = 0;
  for (const auto& panel : dashboard.at("panels")) {
    ASSERT_FALSE(panel.at("targets").empty()) << panel.at("title");
    for (const auto& target : panel.at("targets")) {
      const std::string expr = target.at("expr");
      ++queries;
      auto names = names_in(expr, kUsedName);
      EXPECT_FALSE(names.empty()) << panel.at("title") << ": " << expr;
      used.insert(names.begin(), names.end());
    }
  }
  auto variable = names_in(dashboard.at("templating").dump(), kUsedName);
  used.insert(variable.begin(), variable.end());
  EXPECT_GE(queries, 10u);
  for (const auto& name : used) EXPECT_TRUE(families.count(name)) << name << " is not exported";
}

TEST(MonitoringKit, AlertRulesAndTheirTestsUseOnlyExportedMetrics) {
  const auto families = exported_families();
  for (const char* file : {"monitoring/prometheus/bedrock-reach.rules.yml",
                           "monitoring/prometheus/bedrock-reach.rules.test.yml"}) {
    const std::string text = read_source_file(file);
    ASSERT_FALSE(text.empty()) << file;
    const auto used = names_in(text, kUsedName);
    EXPECT_GE(used.size(), 4u) << file;
    for (const auto& name : used) EXPECT_TRUE(families.count(name)) << file << ": " << name;
  }
}

}  // namespace
}  // namespace bedrock_reach
