// Renderers over the sample reports: contract fields, causes-first order, escaping of hostile
// strings, colours only on request, bounded Prometheus labels, EMF structure, HTML content.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "render/progress.hpp"
#include "render/render.hpp"
#include "render/render_util.hpp"
#include "support/sample_reports.hpp"

namespace bedrock_reach {
namespace {

using nlohmann::json;

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RenderFormat, ParsesEveryNameAndNothingElse) {
  for (auto f : {OutputFormat::text, OutputFormat::json, OutputFormat::prometheus,
                 OutputFormat::emf, OutputFormat::html}) {
    EXPECT_EQ(parse_output_format(output_format_name(f)), f);
  }
  EXPECT_FALSE(parse_output_format("JSON"));
  EXPECT_FALSE(parse_output_format(""));
  EXPECT_FALSE(parse_output_format("yaml"));
}

TEST(RenderJson, StreamedTextEqualsTheWholeTreeDumped) {
  // render_json() builds the services one at a time; the text must not change.
  Report hostile = samples::healthy_report();
  hostile.services.at(0).name = "svc \"with\": [] \n\u00e9";
  for (const Report& report : {samples::healthy_report(), samples::nat_route_report(),
                               samples::off_ec2_report(), samples::base_report(), hostile}) {
    std::string whole =
        report_to_json(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    EXPECT_EQ(render_report(report, OutputFormat::json, RenderOptions{}), whole);
  }
}

TEST(RenderJson, HealthyReportCarriesTheContract) {
  const json j = report_to_json(samples::healthy_report());
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["region"], "us-east-1");
  EXPECT_EQ(j["evidence"], "api");
  EXPECT_EQ(j["instance"]["az_id"], "use1-az1");
  ASSERT_EQ(j["services"].size(), 4u);
  const json& s = j["services"][1];
  EXPECT_EQ(s["name"], "bedrock-runtime");
  EXPECT_EQ(s["path"], "private-endpoint");
  EXPECT_EQ(s["endpoint"]["private_dns"], true);
  ASSERT_EQ(s["addresses"].size(), 3u);
  const json& a = s["addresses"][0];
  for (const char* key :
       {"ip", "family", "class", "eni", "subnet", "az", "resolvers", "route", "tls"}) {
    EXPECT_TRUE(a.contains(key)) << key;
  }
  EXPECT_EQ(a["class"], "endpoint-eni");
  EXPECT_EQ(a["route"]["kind"], "local");
  EXPECT_EQ(a["tls"]["ok"], true);
  EXPECT_TRUE(a["tls"]["error"].is_null());
  EXPECT_EQ(a["tls"]["cert_days_left"], 211);
  EXPECT_TRUE(a["tls_via_proxy"].is_null());
  EXPECT_TRUE(j["findings"].empty());
  EXPECT_DOUBLE_EQ(j["timings"]["dns"].get<double>(), 41.5);
}

TEST(RenderJson, StatusAgreesWithExitCodeForEveryFixture) {
  for (const auto& [name, report] : samples::all_sample_reports()) {
    const json j = report_to_json(report);
    EXPECT_EQ(j["status"], std::string(status_name(report.status))) << name;
    EXPECT_EQ(j["exit_code"], exit_code(report.status)) << name;
  }
  EXPECT_EQ(samples::nat_route_report().status, Severity::critical);
  EXPECT_EQ(samples::az_gap_report().status, Severity::warning);
  EXPECT_EQ(samples::off_ec2_report().status, Severity::ok);
}

TEST(RenderJson, FindingsListRootCausesFirst) {
  const json j = report_to_json(samples::nat_route_report());
  ASSERT_EQ(j["findings"].size(), 3u);
  EXPECT_EQ(j["findings"][0]["code"], "ENDPOINT_PRIVATE_DNS_DISABLED");
  EXPECT_EQ(j["findings"][1]["code"], "DNS_PUBLIC_ANSWER");
  EXPECT_EQ(j["findings"][2]["code"], "ROUTE_VIA_NAT");
  EXPECT_EQ(j["findings"][2]["caused_by"][0], "DNS_PUBLIC_ANSWER");
  EXPECT_TRUE(j["findings"][1]["address"].is_null());
}

TEST(RenderJson, OffEc2HasNullInstanceAndUnknownsAsNull) {
  const json j = report_to_json(samples::off_ec2_report());
  EXPECT_TRUE(j["instance"].is_null());
  EXPECT_EQ(j["evidence"], "none");
  const json& v6 = j["services"][0]["addresses"][1];
  EXPECT_TRUE(v6["eni"].is_null());
  EXPECT_TRUE(v6["route"].is_null());
  EXPECT_EQ(v6["tls"]["probed"], false);
  EXPECT_TRUE(j["findings"][0]["service"].is_null());
}

TEST(RenderJson, HostileStringsNeverBreakTheDocument) {
  const Report report = samples::hostile_report();
  std::string text;
  ASSERT_NO_THROW(text = render_report(report, OutputFormat::json, {}));
  const json back = json::parse(text);  // valid UTF-8 and valid JSON
  EXPECT_EQ(back["region"], report.region);
  EXPECT_NE(text.find("\\u001b"), std::string::npos);  // ESC escaped, never raw
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(back["services"][0]["addresses"][0]["tls"]["connect_ms"], 0.0);  // was infinity
  EXPECT_EQ(back["services"][0]["addresses"][0]["resolvers"][1], "bad\xEF\xBF\xBD\xEF\xBF\xBDutf8");
  EXPECT_NO_THROW(report_to_json(report).dump());  // strict dump too: strings are valid UTF-8
}

TEST(RenderOrder, CausesBeforeEffectsWithCyclesAndDanglingLinks) {
  using render_detail::order_findings;
  std::vector<Finding> f(5);
  f[0] = {.code = "TLS_CONNECT_TIMEOUT",
          .severity = Severity::critical,
          .service = "s",
          .address = "10.0.0.1",
          .caused_by = {"SG_EGRESS_BLOCKS"}};
  f[1] = {.code = "SG_EGRESS_BLOCKS", .severity = Severity::critical, .service = "s"};
  f[2] = {.code = "A", .severity = Severity::warning, .service = "s", .caused_by = {"B"}};
  f[3] = {.code = "B", .severity = Severity::warning, .service = "s", .caused_by = {"A"}};
  f[4] = {.code = "C", .severity = Severity::info, .caused_by = {"MISSING"}};
  const auto ordered = order_findings(f);
  ASSERT_EQ(ordered.size(), 5u);
  EXPECT_EQ(ordered[0].finding->code, "SG_EGRESS_BLOCKS");
  EXPECT_EQ(ordered[1].finding->code, "TLS_CONNECT_TIMEOUT");
  EXPECT_EQ(ordered[1].depth, 1);
  EXPECT_EQ(ordered[1].cause, &f[1]);
  // The cycle A<->B is cut: A becomes a root, B hangs under it.
  EXPECT_EQ(ordered[2].finding->code, "A");
  EXPECT_EQ(ordered[3].finding->code, "B");
  EXPECT_EQ(ordered[3].depth, 1);
  EXPECT_EQ(ordered[4].finding->code, "C");
  EXPECT_EQ(ordered[4].cause, nullptr);
}

TEST(RenderOrder, CauseInAnotherServiceDoesNotMatchButCheckWideDoes) {
  std::vector<Finding> f(3);
  f[0] = {.code = "TLS_HANDSHAKE_FAILED", .service = "a", .caused_by = {"PROXY_INTERCEPTS"}};
  f[1] = {.code = "PROXY_INTERCEPTS", .service = "b"};
  f[2] = {.code = "TLS_HANDSHAKE_FAILED", .service = "c", .caused_by = {"API_UNREACHABLE"}};
  f.push_back({.code = "API_UNREACHABLE"});
  const auto ordered = render_detail::order_findings(f);
  for (const auto& o : ordered) {
    if (o.finding == &f[0]) {
      EXPECT_EQ(o.cause, nullptr);
    }
    if (o.finding == &f[2]) {
      EXPECT_EQ(o.cause, &f[3]);
    }
  }
}

TEST(RenderText, SummaryTableAndNoColourWhenPiped) {
  const std::string text = render_report(samples::healthy_report(), OutputFormat::text, {});
  const auto lines = lines_of(text);
  ASSERT_GT(lines.size(), 15u);
  EXPECT_EQ(lines[0].rfind("bedrock-reach: OK - 4 of 4 services ok | 'duration'=", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[1].rfind("4 of 4 services ok; region us-east-1 (imds)", 0), 0u) << lines[1];
  EXPECT_NE(lines[3].find("SERVICE"), std::string::npos);
  EXPECT_NE(lines[3].find("TLS"), std::string::npos);
  EXPECT_EQ(count_of(text, "endpoint-eni"), 12u);  // 4 services x 3 AZs
  EXPECT_EQ(count_of(text, "us-east-1b"), 4u);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("No findings."), std::string::npos);
}

size_t widest_line(const std::string& text) {
  size_t widest = 0;
  for (const auto& line : lines_of(text)) {
    size_t width = 0;
    for (unsigned char c : line) width += (c & 0xC0) != 0x80;
    widest = std::max(widest, width);
  }
  return widest;
}

TEST(RenderText, FirstLineIsANagiosStatusNamingTheRootCauseWithPerfdata) {
  const auto lines = lines_of(render_report(samples::sg_blocks_report(), OutputFormat::text, {}));
  EXPECT_EQ(lines[0].rfind("bedrock-reach: CRITICAL - bedrock-agent-runtime SG_INGRESS_BLOCKS | "
                           "'duration'=",
                           0),
            0u)
      << lines[0];
  EXPECT_NE(lines[0].find(";;;0 'critical'=1;;;0 'warning'=1;;;0 'unknown'=0;;;0 'ok'=2;;;0"),
            std::string::npos)
      << lines[0];
  // A warning report names the warning roots only.
  const auto warn = lines_of(render_report(samples::az_gap_report(), OutputFormat::text, {}));
  EXPECT_EQ(warn[0].rfind("bedrock-reach: WARNING - bedrock-runtime ENDPOINT_AZ_MISSING | ", 0), 0u)
      << warn[0];
}

TEST(RenderText, At80ColumnsEveryLineFitsAndIdsStayWhole) {
  RenderOptions options;
  options.columns = 80;
  for (const Report& report :
       {samples::healthy_report(), samples::sg_blocks_report(), samples::nat_route_report()}) {
    for (bool explain : {false, true}) {
      options.explain = explain;
      const std::string text = render_report(report, OutputFormat::text, options);
      EXPECT_LE(widest_line(text), 80u) << text;
      for (const auto& s : report.services) {
        for (const auto& a : s.addresses) EXPECT_NE(text.find(a.ip), std::string::npos) << a.ip;
      }
    }
  }
  const std::string sg = render_report(samples::sg_blocks_report(), OutputFormat::text, options);
  EXPECT_NE(sg.find("sg-0e11d00r"), std::string::npos);
  EXPECT_NE(sg.find("vpce-031234567890abcde"), std::string::npos);
  // Wide enough: the one wide table, as before.
  options.columns = 200;
  options.explain = false;
  const auto wide = lines_of(render_report(samples::healthy_report(), OutputFormat::text, options));
  EXPECT_NE(wide[3].find("SERVICE"), std::string::npos);
}

TEST(RenderText, FindingsRepeatedPerAddressAreOneListingTheAddresses) {
  const Report report = samples::sg_blocks_report();
  const std::string text = render_report(report, OutputFormat::text, {});
  const std::string findings = text.substr(text.find("Findings"));
  EXPECT_EQ(count_of(findings, "TLS_CONNECT_TIMEOUT  bedrock-agent-runtime"), 1u) << findings;
  const auto& addresses = report.services[3].addresses;
  ASSERT_EQ(addresses.size(), 3u);
  EXPECT_NE(findings.find(addresses[0].ip + ", " + addresses[1].ip + ", " + addresses[2].ip),
            std::string::npos)
      << findings;
  EXPECT_NE(findings.find("likewise for the other 2"), std::string::npos) << findings;
  // JSON keeps one finding per address.
  const auto doc = json::parse(render_report(report, OutputFormat::json, {}));
  size_t timeouts = 0;
  for (const auto& f : doc["findings"]) timeouts += f["code"] == "TLS_CONNECT_TIMEOUT";
  EXPECT_EQ(timeouts, 3u);
}

TEST(RenderText, ColoursOnlyWhenAsked) {
  RenderOptions options;
  options.color = true;
  const std::string text = render_report(samples::nat_route_report(), OutputFormat::text, options);
  EXPECT_NE(text.find("\x1b[1;31mCRITICAL\x1b[0m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[32m"), std::string::npos);
}

TEST(RenderText, RootCauseFirstThenEffectsWithFixes) {
  const std::string text = render_report(samples::sg_blocks_report(), OutputFormat::text, {});
  const size_t cause = text.find("CRITICAL SG_INGRESS_BLOCKS");
  const size_t effect = text.find("TLS_CONNECT_TIMEOUT  bedrock-agent-runtime");
  ASSERT_NE(cause, std::string::npos) << text;
  ASSERT_NE(effect, std::string::npos) << text;
  EXPECT_LT(cause, effect);
  EXPECT_NE(text.find("(caused by SG_INGRESS_BLOCKS)"), std::string::npos);
  EXPECT_NE(text.find("fix: "), std::string::npos);
  EXPECT_EQ(text.find("evidence:"), std::string::npos);  // only with --explain
  // The critical cause comes before the warning in another service.
  EXPECT_LT(cause, text.find("WARNING ENDPOINT_AZ_MISSING"));
}

TEST(RenderText, ExplainPrintsEvidenceAndTimings) {
  RenderOptions options;
  options.explain = true;
  const std::string text = render_report(samples::nat_route_report(), OutputFormat::text, options);
  EXPECT_NE(text.find("evidence:"), std::string::npos);
  EXPECT_NE(text.find("- longest match 0.0.0.0/0 -> nat-0f00dfeedbeef0001"), std::string::npos);
  EXPECT_NE(text.find("Timings: imds 12 ms;"), std::string::npos);
}

TEST(RenderText, TerminalEscapesInReportStringsAreNeutralised) {
  RenderOptions options;
  options.explain = true;
  const std::string text = render_report(samples::hostile_report(), OutputFormat::text, options);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("\\x1B]0;title\\x07"), std::string::npos);
  // Every finding of the cycle is printed exactly once.
  EXPECT_EQ(count_of(text, "DNS_RESOLVER_MISMATCH  "), 1u);
  EXPECT_EQ(count_of(text, "DNS_HOSTS_OVERRIDE  "), 1u);
}

TEST(RenderPrometheus, FamiliesHaveHelpAndTypeAndNoAddressLabelsByDefault) {
  const std::string text = render_report(samples::healthy_report(), OutputFormat::prometheus, {});
  for (const char* family : {"status", "info", "service_status", "service_path", "tls_success",
                             "tls_handshake_seconds", "cert_expiry_timestamp_seconds",
                             "phase_duration_seconds", "last_check_timestamp_seconds"}) {
    const std::string name = std::string("bedrock_reach_") + family;
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find("# TYPE " + name + " gauge"), std::string::npos) << name;
  }
  EXPECT_NE(text.find("\nbedrock_reach_status 0\n"), std::string::npos);
  EXPECT_NE(
      text.find("bedrock_reach_service_path{service=\"bedrock\",path=\"private-endpoint\"} 1"),
      std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_service_path{service=\"bedrock\",path=\"nat-gateway\"} 0"),
            std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_tls_success{service=\"bedrock-runtime\",az=\"us-east-1b\","
                      "family=\"ipv4\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_last_check_timestamp_seconds 1795885200.25"),
            std::string::npos);
  EXPECT_EQ(text.find("address="), std::string::npos);
  EXPECT_EQ(text.find("10.0."), std::string::npos);
}

TEST(RenderPrometheus, AddressLabelsOnlyWhenOptedIn) {
  RenderOptions options;
  options.address_labels = true;
  const std::string text =
      render_report(samples::healthy_report(), OutputFormat::prometheus, options);
  EXPECT_EQ(count_of(text, "bedrock_reach_tls_success{"), 12u);
  EXPECT_NE(text.find("address=\"10.0.2.11\"} 1"), std::string::npos);
}

TEST(RenderPrometheus, FindingCountsAndFailedTls) {
  const std::string text = render_report(samples::sg_blocks_report(), OutputFormat::prometheus, {});
  EXPECT_NE(text.find("bedrock_reach_findings{service=\"bedrock-agent-runtime\","
                      "code=\"TLS_CONNECT_TIMEOUT\",severity=\"critical\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_tls_success{service=\"bedrock-agent-runtime\","
                      "az=\"us-east-1a\",family=\"ipv4\"} 0"),
            std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_status 2\n"), std::string::npos);
}

TEST(RenderPrometheus, LabelValuesEscapedAndPrefixSanitised) {
  RenderOptions options;
  options.metric_prefix = "my-agent.";
  const std::string text =
      render_report(samples::hostile_report(), OutputFormat::prometheus, options);
  EXPECT_NE(text.find("region=\"us-east-1\\\"} evil{x=\\\"1\""), std::string::npos);
  EXPECT_NE(text.find("version=\"0.1.0\\n# TYPE injected gauge\""), std::string::npos);
  EXPECT_NE(text.find("# TYPE my_agent_status gauge"), std::string::npos);
  for (const auto& line : lines_of(text)) {
    EXPECT_TRUE(line.rfind("# HELP my_agent_", 0) == 0 || line.rfind("# TYPE my_agent_", 0) == 0 ||
                line.rfind("my_agent_", 0) == 0)
        << line;
  }
}

TEST(RenderEmf, EveryLineIsOneEventWithDeclaredMembers) {
  const std::string text = render_report(samples::sg_blocks_report(), OutputFormat::emf, {});
  const auto lines = lines_of(text);
  ASSERT_GE(lines.size(), 1u + 5 + 4 + 12);  // check, phases, services, service x AZ
  for (const auto& line : lines) {
    const json doc = json::parse(line);
    const json& aws = doc.at("_aws");
    EXPECT_EQ(aws.at("Timestamp"), 1795885200250LL);
    const json& directive = aws.at("CloudWatchMetrics").at(0);
    EXPECT_EQ(directive.at("Namespace"), "BedrockReach");
    for (const auto& name : directive.at("Dimensions").at(0)) {
      EXPECT_TRUE(doc.at(name.get<std::string>()).is_string()) << line;
    }
    for (const auto& metric : directive.at("Metrics")) {
      EXPECT_TRUE(doc.at(metric.at("Name").get<std::string>()).is_number()) << line;
    }
  }
  // A failed probe exports no latency (not its timeout, not 0), only TlsSuccess 0.
  EXPECT_EQ(text.find("\"ConnectTime\":3000.0"), std::string::npos);
  EXPECT_NE(text.find("\"TlsSuccess\":0.0"), std::string::npos);
  for (const auto& line : lines) {
    const json doc = json::parse(line);
    if (doc.value("Service", "") == "bedrock-agent-runtime" && doc.contains("AZ")) {
      EXPECT_EQ(doc.at("TlsSuccess"), 0.0) << line;
      EXPECT_FALSE(doc.contains("ConnectTime")) << line;
      EXPECT_FALSE(doc.contains("HandshakeTime")) << line;
    }
  }
}

TEST(RenderEmf, BlankDimensionValuesBecomeUnknown) {
  Report report = samples::off_ec2_report();
  report.region.clear();
  const std::string text = render_report(report, OutputFormat::emf, {});
  EXPECT_NE(text.find("\"Region\":\"unknown\""), std::string::npos);
  EXPECT_NE(text.find("\"AZ\":\"none\""), std::string::npos);
  EXPECT_EQ(text.find("\"Region\":\"\""), std::string::npos);
}

TEST(RenderHtml, BrokenServicesFirstBlockerDrawnFindingsGroupedIdsWhole) {
  const std::string html = render_report(samples::sg_blocks_report(), OutputFormat::html, {});
  // bedrock-agent-runtime (critical) before bedrock (warning) before the ok ones.
  const size_t critical = html.find("data-service=\"bedrock-agent-runtime\" data-status");
  const size_t warning = html.find("data-service=\"bedrock\" data-status");
  const size_t ok = html.find("data-service=\"bedrock-runtime\" data-status");
  ASSERT_NE(critical, std::string::npos);
  EXPECT_LT(critical, warning);
  EXPECT_LT(warning, ok);
  // The blocking security group drawn on the path, named in full.
  EXPECT_NE(html.find("<g class=\"blocker sg\" data-blocked-by=\"sg-0e11d00r\""),
            std::string::npos);
  EXPECT_NE(html.find("blocked by sg-0e11d00r"), std::string::npos);
  EXPECT_EQ(html.find("\xE2\x80\xA6"), std::string::npos);  // nothing cut with an ellipsis
  // One item for the three per-address timeouts.
  EXPECT_EQ(count_of(html, "data-code=\"TLS_CONNECT_TIMEOUT\""), 1u);
  EXPECT_NE(html.find("data-code=\"TLS_CONNECT_TIMEOUT\" data-service=\"bedrock-agent-runtime\" "
                      "data-count=\"3\""),
            std::string::npos);
}

TEST(RenderHtml, LongIdsAreCondensedNotCut) {
  Report report = samples::nat_route_report();
  const std::string html = render_report(report, OutputFormat::html, {});
  EXPECT_NE(html.find(">nat-0f00dfeedbeef0001<"), std::string::npos)
      << "route target on its own line";
  EXPECT_EQ(html.find("\xE2\x80\xA6"), std::string::npos);
}

TEST(RenderHtml, SelfContainedPageWithVerdictTablesAndPictures) {
  const Report report = samples::nat_route_report();
  const std::string html = render_report(report, OutputFormat::html, {});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("id=\"verdict\" class=\"status-critical\""), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_EQ(count_of(html, "<svg class=\"path\""), 4u);
  EXPECT_EQ(count_of(html, "class=\"node address"), 3u * 3 + 2);
  EXPECT_NE(html.find("data-route=\"nat-gateway nat-0f00dfeedbeef0001\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  // Causes first in the page too.
  EXPECT_LT(html.find("data-code=\"ENDPOINT_PRIVATE_DNS_DISABLED\""),
            html.find("data-code=\"ROUTE_VIA_NAT\""));
}

TEST(RenderHtml, HostileStringsAreEscaped) {
  const std::string html = render_report(samples::hostile_report(), OutputFormat::html, {});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_NE(html.find("i-&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;10.0.1.10 bedrock&quot; &amp; &lt;b&gt;"), std::string::npos);
}

struct EscapeCase {
  std::string input, html, label, terminal;
};

TEST(RenderEscape, EachOutputsOwnRules) {
  using namespace render_detail;
  const std::vector<EscapeCase> cases = {
      {"plain", "plain", "plain", "plain"},
      {"a<b>&\"'", "a&lt;b&gt;&amp;&quot;&#39;", "a<b>&\\\"'", "a<b>&\"'"},
      {"back\\slash\n", "back\\slash\n", "back\\\\slash\\n", "back\\slash\\x0A"},
      {"\x1b[2J", "\x1b[2J", "\x1b[2J", "\\x1B[2J"},
      {"caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9"},
      {"bad\xff", "bad\xEF\xBF\xBD", "bad\xEF\xBF\xBD", "bad\xEF\xBF\xBD"},
      {"\xed\xa0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // a UTF-16 surrogate is not UTF-8
      {"\xc2\x9b", "\xc2\x9b", "\xc2\x9b", "\\xC2\\x9B"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(html_escape(c.input), c.html) << c.input;
    EXPECT_EQ(prometheus_label_escape(c.input), c.label) << c.input;
    EXPECT_EQ(terminal_safe(c.input), c.terminal) << c.input;
  }
  EXPECT_EQ(prometheus_name_prefix("bedrock_reach_"), "bedrock_reach_");
  EXPECT_EQ(prometheus_name_prefix("9x-y"), "_9x_y");
}

TEST(RenderTime, Rfc3339ToMilliseconds) {
  using render_detail::parse_rfc3339_ms;
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-28T17:00:00.250Z"), 1795885200250LL);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-28T17:00:00.2509Z"), 1795885200250LL);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-28T18:00:00+01:00"), 1795885200000LL);
  EXPECT_EQ(parse_rfc3339_ms("2000-02-29T00:00:00Z"), 951782400000LL);
  EXPECT_FALSE(parse_rfc3339_ms(""));
  EXPECT_FALSE(parse_rfc3339_ms("2026-11-28"));
  EXPECT_FALSE(parse_rfc3339_ms("2026-11-28T17:00:00"));
  EXPECT_FALSE(parse_rfc3339_ms("2026-13-28T17:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_ms("2026-11-28T17:00:00.Z"));
  EXPECT_FALSE(parse_rfc3339_ms("2026-11-28T17:00:00Zjunk"));
}

TEST(RenderUnknown, EmptyReportRendersInEveryFormat) {
  const Report report = samples::unknown_report();
  for (auto f : {OutputFormat::text, OutputFormat::json, OutputFormat::prometheus,
                 OutputFormat::emf, OutputFormat::html}) {
    const std::string out = render_report(report, f, {});
    EXPECT_FALSE(out.empty()) << output_format_name(f);
    EXPECT_EQ(out.back(), '\n') << output_format_name(f);
  }
  const json j = report_to_json(report);
  EXPECT_EQ(j["status"], "unknown");
  EXPECT_EQ(j["exit_code"], 3);
  EXPECT_TRUE(j["region"].is_null());
  EXPECT_NE(render_report(report, OutputFormat::prometheus, {}).find("bedrock_reach_status 3\n"),
            std::string::npos);
}

TEST(RenderProgress, LineOverwritesItselfAndShowsOnlyOnSlowTtyChecks) {
  EXPECT_FALSE(should_show_progress(false, 5000));
  EXPECT_FALSE(should_show_progress(true, 999));
  EXPECT_TRUE(should_show_progress(true, 1000));
  EXPECT_EQ(progress_line("tls", 1234, 3, 8),
            "\r\x1b[Kbedrock-reach: checking - tls 1.2 s (3 of 8 probes done)");
  EXPECT_EQ(progress_line("dns\x1b", 2000, 0, 0),
            "\r\x1b[Kbedrock-reach: checking - dns\\x1B 2.0 s");
  EXPECT_EQ(clear_progress_line(), "\r\x1b[K");
}

}  // namespace
}  // namespace bedrock_reach
