// Topology discovery against a scripted loopback EC2 API: what it asks, what it assembles, and
// how it behaves when reads are denied, the API is unreachable or the deadline comes first.
#include <algorithm>

#include "aws/topology_discovery.hpp"
#include "aws_fake_ec2.hpp"

namespace bedrock_reach::test {
namespace {

struct Discovered {
  bool done = false;
  int calls = 0;
  ProbeOutcome<Topology> outcome;
};

const std::vector<std::string> kServices = {"com.amazonaws.us-east-1.bedrock-runtime",
                                            "com.amazonaws.us-east-1.bedrock"};

std::shared_ptr<Discovered> discover(AwsRig& rig, const std::string& url, Millis budget,
                                     InstanceIdentity identity = sample_instance(),
                                     bool vpc_wide = false, std::string vpc_id = "") {
  Ec2Options options = Ec2Options::from_environment(env_of({{"AWS_ENDPOINT_URL_EC2", url}}),
                                                    *make_region("us-east-1", "test"));
  EXPECT_EQ(options.endpoint_url.rfind("http://127.0.0.1:", 0), 0u) << "loopback only";
  options.backoff_base = Millis(10);
  options.backoff_cap = Millis(40);
  auto out = std::make_shared<Discovered>();
  ProbeContext ctx = rig.context(budget);
  probe_topology(
      ctx, rig.http,
      TopologyRequest{options, sample_credentials(),
                      DiscoveryInput{std::move(identity), kServices, vpc_wide, std::move(vpc_id)}},
      [out](ProbeOutcome<Topology> outcome) {
        ++out->calls;
        out->done = true;
        out->outcome = std::move(outcome);
      });
  EXPECT_TRUE(rig.run([&] { return out->done; }));
  return out;
}

std::vector<const FakeRequest*> with_action(const std::vector<FakeRequest>& all,
                                            const std::string& action) {
  std::vector<const FakeRequest*> out;
  for (const auto& r : all) {
    if (r.param("Action") == action) out.push_back(&r);
  }
  return out;
}

template <typename T>
bool has_id(const std::vector<T>& items, const std::string& id) {
  return std::any_of(items.begin(), items.end(), [&](const T& t) { return t.id == id; });
}

// Audit (issue 20): the whole VPC in one read per action (vpc-id filters, pagination only),
// never per subnet; the endpoint and instance SGs in one read after the endpoints.
TEST(AwsDiscovery, VpcWideReadsEachActionOncePerVpc) {
  FakeEc2 ec2;
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(5000), sample_instance(), true);
  ASSERT_EQ(d->calls, 1);
  EXPECT_TRUE(d->outcome.findings.empty());
  auto all = server.requests();
  for (const char* action : {"DescribeRouteTables", "DescribeNetworkAcls", "DescribeSubnets",
                             "DescribeSecurityGroups", "DescribeNetworkInterfaces"}) {
    auto reads = with_action(all, action);
    ASSERT_EQ(reads.size(), 1u) << action;
    if (std::string(action) == "DescribeSecurityGroups") {
      EXPECT_FALSE(reads[0]->param("GroupId.2").empty()) << "instance and endpoint SGs at once";
    } else if (std::string(action) != "DescribeNetworkInterfaces") {
      EXPECT_EQ(reads[0]->param("Filter.1.Name"), "vpc-id") << action;
      EXPECT_EQ(reads[0]->param("Filter.1.Value.1"), "vpc-0123456789abcdef0") << action;
      EXPECT_TRUE(reads[0]->param("Filter.2.Name").empty()) << action;
    }
  }
  // Every endpoint of the VPC (services and appliances) in one listing, paged.
  for (const auto* r : with_action(all, "DescribeVpcEndpoints")) {
    EXPECT_EQ(r->param("Filter.1.Name"), "vpc-id");
    EXPECT_TRUE(r->param("Filter.2.Name").empty());
  }
  EXPECT_EQ(with_action(all, "DescribeVpcAttribute").size(), 2u);  // one per attribute
  const Topology& t = d->outcome.data;
  ASSERT_TRUE(t.instance_route_table);
  EXPECT_TRUE(has_id(t.security_groups, "sg-0be4d12345678abcd"));
}

// Another VPC than the instance's (audit --vpc-id): its own id in every filter, and no lookup
// of the instance's subnet or SGs there.
TEST(AwsDiscovery, VpcWideOtherVpcSkipsTheInstance) {
  FakeEc2 ec2;
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d =
      discover(rig, server.url(), Millis(5000), sample_instance(), true, "vpc-0ffff000011112222");
  ASSERT_EQ(d->calls, 1);
  for (const auto& r : server.requests()) {
    if (r.param("Filter.1.Name") == "vpc-id") {
      EXPECT_EQ(r.param("Filter.1.Value.1"), "vpc-0ffff000011112222") << r.param("Action");
    }
    EXPECT_NE(r.param("GroupId.1"), "sg-0a990000000000001") << "instance SG asked in another VPC";
  }
  EXPECT_FALSE(d->outcome.data.instance_route_table.has_value());
}

TEST(AwsDiscovery, AssemblesTheTopologyFromEveryRead) {
  FakeEc2 ec2;
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(5000));
  ASSERT_EQ(d->calls, 1);
  const Topology& t = d->outcome.data;
  EXPECT_TRUE(d->outcome.findings.empty());
  EXPECT_FALSE(d->outcome.cut_by_deadline);
  EXPECT_TRUE(t.api_reachable);
  EXPECT_TRUE(t.denied_actions.empty());
  EXPECT_TRUE(t.gaps.empty());
  EXPECT_TRUE(t.unread_actions.empty());
  for (const char* action : {"DescribeVpcEndpoints", "DescribeNetworkInterfaces", "DescribeVpcs"})
    EXPECT_TRUE(t.read_complete(action)) << action;
  ASSERT_EQ(t.endpoints.size(), 2u);
  // ENIs from networkInterfaceIdSet, including the "interface"-typed one.
  EXPECT_TRUE(has_id(t.network_interfaces, "eni-0a11aa11aa11aa11a"));
  EXPECT_TRUE(has_id(t.network_interfaces, "eni-0b22bb22bb22bb22b"));
  EXPECT_TRUE(has_id(t.security_groups, "sg-0a990000000000001"));
  EXPECT_TRUE(has_id(t.security_groups, "sg-0be4d12345678abcd"));
  EXPECT_TRUE(has_id(t.network_acls, "acl-0d0fa017000000001"));
  EXPECT_EQ(t.network_acls.size(), 1u);  // asked twice, merged by id
  EXPECT_TRUE(has_id(t.subnets, "subnet-0aaa1111bbbb2222c"));
  ASSERT_TRUE(t.instance_route_table);
  EXPECT_EQ(t.instance_route_table->id, "rtb-0b2b0000000000002");  // the explicit association
  ASSERT_TRUE(t.vpc);
  EXPECT_EQ(t.vpc->dhcp_options_id, "dopt-0a1b2c3d4e5f60718");
  ASSERT_TRUE(t.dhcp_options);
  EXPECT_EQ(t.dhcp_options->domain_name_servers,
            (std::vector<std::string>{"10.2.5.2", "10.2.5.1"}));
  EXPECT_EQ(t.dns_attributes.enable_dns_support, true);
  EXPECT_EQ(t.dns_attributes.enable_dns_hostnames, false);

  auto all = server.requests();
  // Only actions that packaging/iam-policy.json grants.
  const auto& granted = discovery_ec2_actions();
  for (const auto& r : all) {
    EXPECT_NE(std::find(granted.begin(), granted.end(), r.param("Action")), granted.end())
        << r.param("Action");
  }
  // The endpoint lookup filters on this VPC and exactly the checked services, and pages.
  auto endpoints = with_action(all, "DescribeVpcEndpoints");
  // The second lookup (Gateway Load Balancer endpoints, for routes to a vpce-) is separate.
  endpoints.erase(std::remove_if(endpoints.begin(), endpoints.end(),
                                 [](const FakeRequest* r) {
                                   return r->param("Filter.2.Name") == "vpc-endpoint-type";
                                 }),
                  endpoints.end());
  ASSERT_EQ(endpoints.size(), 2u);  // the sample carries a nextToken
  const FakeRequest& first =
      endpoints[0]->param("NextToken").empty() ? *endpoints[0] : *endpoints[1];
  EXPECT_EQ(first.param("Filter.1.Name"), "vpc-id");
  EXPECT_EQ(first.param("Filter.1.Value.1"), "vpc-0123456789abcdef0");
  EXPECT_EQ(first.param("Filter.2.Name"), "service-name");
  EXPECT_EQ(first.param("Filter.2.Value.1"), kServices[0]);
  EXPECT_EQ(first.param("Filter.2.Value.2"), kServices[1]);
  auto enis = with_action(all, "DescribeNetworkInterfaces");
  ASSERT_EQ(enis.size(), 1u);
  EXPECT_EQ(enis[0]->param("Filter.1.Name"), "network-interface-id");
  EXPECT_EQ(enis[0]->param("Filter.1.Value.3"), "eni-0c33cc33cc33cc33c");
  EXPECT_EQ(enis[0]->body.find("interface-type"), std::string::npos);
  // Endpoint SGs exclude the instance's own, already asked for.
  for (const auto* r : with_action(all, "DescribeSecurityGroups")) {
    EXPECT_TRUE(r->param("GroupId.2").empty());
  }
  auto attributes = with_action(all, "DescribeVpcAttribute");
  EXPECT_EQ(attributes.size(), 2u);
  for (const auto& r : all) {
    EXPECT_NE(r.header("authorization"), nullptr);
    EXPECT_NE(r.header("x-amz-security-token"), nullptr);
  }
}

TEST(AwsDiscovery, MainRouteTableWhenTheSubnetHasNoExplicitAssociation) {
  FakeEc2 ec2;
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  InstanceIdentity id = sample_instance();
  id.macs[0].subnet_id = "subnet-0fff0000000000000";
  auto d = discover(rig, server.url(), Millis(5000), id);
  ASSERT_TRUE(d->outcome.data.instance_route_table);
  EXPECT_EQ(d->outcome.data.instance_route_table->id, "rtb-0a1a0000000000001");
}

TEST(AwsDiscovery, DeniedReadsAreNamedAndDiscoveryGoesOn) {
  FakeEc2 ec2;
  ec2.denied = {"DescribeNetworkAcls", "DescribeVpcEndpoints"};
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(5000));
  const Topology& t = d->outcome.data;
  EXPECT_TRUE(t.api_reachable);
  std::vector<std::string> denied = t.denied_actions;
  std::sort(denied.begin(), denied.end());
  EXPECT_EQ(denied,
            (std::vector<std::string>{"ec2:DescribeNetworkAcls", "ec2:DescribeVpcEndpoints"}));
  int access_denied = 0;
  for (const auto& f : d->outcome.findings) {
    if (f.code != "API_ACCESS_DENIED") continue;
    ++access_denied;
    EXPECT_EQ(f.severity, Severity::warning);
    EXPECT_NE(f.message.find("ec2:Describe"), std::string::npos);
  }
  EXPECT_EQ(access_denied, 2);
  EXPECT_FALSE(has_finding(d->outcome.findings, "API_UNREACHABLE"));
  EXPECT_TRUE(t.endpoints.empty());
  EXPECT_TRUE(t.network_acls.empty());
  EXPECT_TRUE(t.vpc.has_value());  // the rest was still read
  EXPECT_TRUE(t.instance_route_table.has_value());
  EXPECT_TRUE(has_id(t.security_groups, "sg-0a990000000000001"));
}

TEST(AwsDiscovery, RejectedCredentialsAreReportedOnce) {
  FakeEc2 ec2;
  for (const char* a :
       {"DescribeVpcEndpoints", "DescribeRouteTables", "DescribeSecurityGroups",
        "DescribeNetworkAcls", "DescribeSubnets", "DescribeVpcs", "DescribeVpcAttribute"}) {
    ec2.auth_failure.insert(a);
  }
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(5000));
  int invalid = 0;
  for (const auto& f : d->outcome.findings) invalid += f.code == "CREDENTIALS_INVALID" ? 1 : 0;
  EXPECT_EQ(invalid, 1);
  EXPECT_TRUE(d->outcome.data.api_reachable);
}

TEST(AwsDiscovery, UnreachableApiIsOneFinding) {
  LoopbackSocket closed(/*listen_silently=*/false);
  AwsRig rig;
  auto d = discover(rig, closed.url(), Millis(5000));
  EXPECT_FALSE(d->outcome.data.api_reachable);
  EXPECT_FALSE(d->outcome.data.read_complete("DescribeVpcEndpoints"));
  int unreachable = 0;
  for (const auto& f : d->outcome.findings) unreachable += f.code == "API_UNREACHABLE" ? 1 : 0;
  EXPECT_EQ(unreachable, 1);
  EXPECT_FALSE(d->outcome.data.gaps.empty());
  EXPECT_FALSE(d->outcome.cut_by_deadline);
}

TEST(AwsDiscovery, GarbageAnswersMakeTheApiUnusable) {
  FakeEc2 ec2;
  for (const char* a :
       {"DescribeVpcEndpoints", "DescribeRouteTables", "DescribeSecurityGroups",
        "DescribeNetworkAcls", "DescribeSubnets", "DescribeVpcs", "DescribeVpcAttribute"}) {
    ec2.body_override[a] = "<html><body>\x17 upstream connect error</body></html>";
  }
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(5000));
  EXPECT_TRUE(has_finding(d->outcome.findings, "API_UNREACHABLE"));
  EXPECT_TRUE(d->outcome.data.endpoints.empty());
}

TEST(AwsDiscovery, CompletesExactlyOnceAtTheDeadline) {
  FakeEc2 ec2;
  ec2.delay = Millis(600);
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(200));
  EXPECT_TRUE(d->outcome.cut_by_deadline);
  EXPECT_LT(d->outcome.elapsed_ms, 500.0) << d->outcome.elapsed_ms;
  // What was in flight is incomplete, never an empty "there are none".
  EXPECT_FALSE(d->outcome.data.read_complete("DescribeVpcEndpoints"));
  EXPECT_FALSE(d->outcome.data.unread_actions.empty());
  rig.run([] { return false; }, Millis(800));  // late answers arrive now
  EXPECT_EQ(d->calls, 1);
}

TEST(AwsDiscovery, NoVpcFromMetadataMeansNoCalls) {
  FakeEc2 ec2;
  FakeHttpServer server(std::cref(ec2));
  AwsRig rig;
  auto d = discover(rig, server.url(), Millis(2000), InstanceIdentity{});
  EXPECT_EQ(d->calls, 1);
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_FALSE(d->outcome.data.gaps.empty());
}

}  // namespace
}  // namespace bedrock_reach::test
