#pragma once
// A scripted EC2 Query API for discovery tests: answers every Describe* the agent sends with the
// validated samples (empty page after a nextToken), denies or delays chosen actions.
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "aws_test_rig.hpp"
#include "bedrock_reach/topology.hpp"
#include "support/fake_http_server.hpp"

namespace bedrock_reach::test {

class FakeEc2 {
 public:
  std::set<std::string> denied;        // actions answered 403 UnauthorizedOperation
  std::set<std::string> auth_failure;  // actions answered 401 AuthFailure
  std::chrono::milliseconds delay{0};  // every answer this late
  std::map<std::string, std::string> body_override;

  FakeReply operator()(const FakeRequest& r) const {
    std::string action = r.param("Action");
    FakeReply reply;
    reply.delay = delay;
    reply.content_type = "text/xml;charset=UTF-8";
    if (denied.count(action) != 0) {
      reply.status = 403;
      reply.body = error("UnauthorizedOperation",
                         "You are not authorized to perform this operation. User: "
                         "arn:aws:sts::123456789012:assumed-role/diag-role/i-0 is not authorized "
                         "to perform: ec2:" +
                             action);
      return reply;
    }
    if (auth_failure.count(action) != 0) {
      reply.status = 401;
      reply.body =
          error("AuthFailure", "AWS was not able to validate the provided access credentials");
      return reply;
    }
    if (auto found = body_override.find(action); found != body_override.end()) {
      reply.body = found->second;
      return reply;
    }
    static const std::map<std::string, std::pair<std::string, std::string>> kSamples = {
        {"DescribeVpcEndpoints", {"DescribeVpcEndpoints.xml", "vpcEndpointSet"}},
        {"DescribeNetworkInterfaces", {"DescribeNetworkInterfaces.xml", "networkInterfaceSet"}},
        {"DescribeRouteTables", {"DescribeRouteTables.xml", "routeTableSet"}},
        {"DescribeSecurityGroups", {"DescribeSecurityGroups.xml", "securityGroupInfo"}},
        {"DescribeNetworkAcls", {"DescribeNetworkAcls.xml", "networkAclSet"}},
        {"DescribeSubnets", {"DescribeSubnets.xml", "subnetSet"}},
        {"DescribeVpcs", {"DescribeVpcs.xml", "vpcSet"}},
        {"DescribeDhcpOptions", {"DescribeDhcpOptions.xml", "dhcpOptionsSet"}},
    };
    if (action == "DescribeVpcAttribute") {
      std::string attribute = r.param("Attribute");
      reply.body =
          "<DescribeVpcAttributeResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
          "<requestId>r</requestId><vpcId>" +
          r.param("VpcId") + "</vpcId><" + attribute + "><value>" +
          (attribute == "enableDnsHostnames" ? "false" : "true") + "</value></" + attribute +
          "></DescribeVpcAttributeResponse>";
      return reply;
    }
    if (action == "GetManagedPrefixListEntries") {
      // The AWS-managed S3 list of the SG sample (pl-63a5400a), one entry.
      reply.body =
          "<GetManagedPrefixListEntriesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
          "<requestId>r</requestId><entrySet><item><cidr>3.5.0.0/19</cidr></item></entrySet>"
          "</GetManagedPrefixListEntriesResponse>";
      return reply;
    }
    if (action == "DescribeManagedPrefixLists") {
      // The same list as AWS describes it: AWS-managed (ownerId AWS).
      reply.body =
          "<DescribeManagedPrefixListsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
          "<requestId>r</requestId><prefixListSet><item><prefixListId>pl-63a5400a</prefixListId>"
          "<addressFamily>IPv4</addressFamily><state>create-complete</state>"
          "<prefixListArn>arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a</prefixListArn>"
          "<prefixListName>com.amazonaws.us-east-1.s3</prefixListName><maxEntries>8</maxEntries>"
          "<version>1</version><tagSet/><ownerId>AWS</ownerId></item></prefixListSet>"
          "</DescribeManagedPrefixListsResponse>";
      return reply;
    }
    auto sample = kSamples.find(action);
    if (sample == kSamples.end()) {
      reply.status = 400;
      reply.body = error("InvalidAction", "The action " + action + " is not valid");
      return reply;
    }
    if (!r.param("NextToken").empty()) {
      reply.body = "<" + action +
                   "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                   "<requestId>r</requestId><" +
                   sample->second.second + "/></" + action + "Response>";
      return reply;
    }
    reply.body = sample_text(sample->second.first);
    return reply;
  }

 private:
  static std::string error(const std::string& code, const std::string& message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code +
           "</Code><Message>" + message +
           "</Message></Error></Errors><RequestID>ea966190-f9aa</RequestID></Response>";
  }
  std::string sample_text(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto& text = cache_[name];
    if (text.empty()) text = read_aws_sample(name);
    return text;
  }
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::string> cache_;
};

/// The instance of the samples: subnet-0aaa… in vpc-0123…, app-tier SG.
inline InstanceIdentity sample_instance() {
  InstanceIdentity id;
  id.instance_id = "i-0123456789abcdef0";
  id.region = "us-east-1";
  id.az = "us-east-1a";
  id.partition = "aws";
  id.domain = "amazonaws.com";
  MacInfo mac;
  mac.mac = "0e:49:61:0f:c3:11";
  mac.vpc_id = "vpc-0123456789abcdef0";
  mac.subnet_id = "subnet-0aaa1111bbbb2222c";
  mac.vpc_ipv4_cidrs = {"10.0.0.0/16"};
  mac.security_group_ids = {"sg-0a990000000000001"};
  id.macs.push_back(mac);
  return id;
}

inline Credentials sample_credentials() {
  Credentials c;
  c.access_key_id = "ASIATESTKEY";
  c.secret_access_key = Secret("test-secret");
  c.session_token = Secret("test-token");
  c.source = "test";
  return c;
}

}  // namespace bedrock_reach::test
