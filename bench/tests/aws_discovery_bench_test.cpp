// How long discovery takes when every EC2 call answers after A ms. Independent reads overlap,
// so the figure should be about 2-3 x A (the dependency depth), not the number of calls x A.
// Prints the figure; no timed assertion (label `bench`).
#include <iostream>

#include "aws/topology_discovery.hpp"
#include "integration/aws_fake_ec2.hpp"

namespace bedrock_reach::test {
namespace {

[[maybe_unused]] const auto* const kCurl = ::testing::AddGlobalTestEnvironment(new CurlGlobal);

/// The endpoints sample without its nextToken: one page, so the dependency depth is two.
std::string single_page_endpoints() {
  std::string xml = read_aws_sample("DescribeVpcEndpoints.xml");
  auto start = xml.find("<nextToken>");
  auto end = xml.find("</nextToken>");
  if (start != std::string::npos && end != std::string::npos) {
    xml.erase(start, end + std::string("</nextToken>").size() - start);
  }
  return xml;
}

void run_bench(bool paged) {
  for (int latency_ms : {50, 100, 200}) {
    FakeEc2 ec2;
    ec2.delay = Millis(latency_ms);
    if (!paged) ec2.body_override["DescribeVpcEndpoints"] = single_page_endpoints();
    FakeHttpServer server(std::cref(ec2));
    AwsRig rig;
    Ec2Options options = Ec2Options::from_environment(
        env_of({{"AWS_ENDPOINT_URL_EC2", server.url()}}), *make_region("us-east-1", "test"));
    ASSERT_EQ(options.endpoint_url.rfind("http://127.0.0.1:", 0), 0u);
    bool done = false;
    ProbeOutcome<Topology> outcome;
    ProbeContext ctx = rig.context(Millis(10000));
    probe_topology(ctx, rig.http,
                   TopologyRequest{options, sample_credentials(),
                                   DiscoveryInput{sample_instance(),
                                                  {"com.amazonaws.us-east-1.bedrock-runtime"}}},
                   [&](ProbeOutcome<Topology> o) {
                     done = true;
                     outcome = std::move(o);
                   });
    ASSERT_TRUE(rig.run([&] { return done; }, Millis(15000)));
    EXPECT_TRUE(outcome.findings.empty());
    std::size_t calls = server.request_count();
    std::cout << "[ figure ] discovery (" << (paged ? "endpoints in 2 pages, depth 3" : "depth 2")
              << ") with A=" << latency_ms << " ms: " << outcome.elapsed_ms
              << " ms = " << outcome.elapsed_ms / latency_ms << " x A for " << calls
              << " API calls (sequential would be " << calls * latency_ms << " ms)\n";
  }
}

TEST(AwsDiscoveryBench, ConcurrentDiscoveryAgainstASlowApi) { run_bench(/*paged=*/false); }
TEST(AwsDiscoveryBench, ConcurrentDiscoveryWithPagedEndpoints) { run_bench(/*paged=*/true); }

}  // namespace
}  // namespace bedrock_reach::test
