#include "aws/ec2_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <pugixml.hpp>

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxTextBytes = 64 * 1024;  // any one value (policies are ≤ 20 KiB)
constexpr std::size_t kMaxMessageBytes = 1024;    // error messages we pass on

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

std::string text(const pugi::xml_node& node, std::string_view name) {
  std::string_view value = child(node, name).child_value();
  return std::string(value.substr(0, kMaxTextBytes));
}

std::string_view trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool boolean(const pugi::xml_node& node, std::string_view name) {
  std::string_view value = trimmed(child(node, name).child_value());
  return value == "true" || value == "TRUE" || value == "True";
}

std::optional<int> integer(const pugi::xml_node& node, std::string_view name) {
  std::string_view value = trimmed(child(node, name).child_value());
  if (value.empty()) return std::nullopt;
  int out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return out;
}

/// Calls `each` for every <item> of the list element `name`; false when the cap is exceeded.
template <typename Each>
bool for_items(const pugi::xml_node& node, std::string_view name, std::size_t& budget, Each each) {
  pugi::xml_node list = child(node, name);
  for (pugi::xml_node item = list.first_child(); item; item = item.next_sibling()) {
    if (item.type() != pugi::node_element || local_name(item) != "item") continue;
    if (budget == 0) return false;
    --budget;
    each(item);
  }
  return true;
}

/// List of plain <item>value</item> strings, or of one field of each item.
bool strings(const pugi::xml_node& node, std::string_view list, std::string_view field,
             std::size_t& budget, std::vector<std::string>& out) {
  return for_items(node, list, budget, [&](const pugi::xml_node& item) {
    std::string value =
        field.empty() ? std::string(std::string_view(item.child_value()).substr(0, kMaxTextBytes))
                      : text(item, field);
    if (!value.empty()) out.push_back(std::move(value));
  });
}

struct Document {
  pugi::xml_document doc;
  pugi::xml_node root;
};

tl::unexpected<Error> too_many(std::string_view what) {
  return make_error(
      ErrorKind::too_large,
      "EC2 answer lists more than " + std::to_string(kMaxEc2Items) + " " + std::string(what));
}

/// Parses `xml` and checks the root is <{action}Response>.
Result<std::unique_ptr<Document>> load(std::string_view xml, std::string_view action) {
  if (xml.size() > kMaxEc2XmlBytes) {
    return make_error(ErrorKind::too_large,
                      "EC2 answer larger than " + std::to_string(kMaxEc2XmlBytes) + " bytes");
  }
  auto document = std::make_unique<Document>();
  // No DOCTYPE/entity processing beyond the predefined escapes: pugixml never expands DTDs.
  pugi::xml_parse_result parsed =
      document->doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return make_error(ErrorKind::parse, std::string("EC2 answer is not XML: ") +
                                            parsed.description() + " at offset " +
                                            std::to_string(parsed.offset));
  }
  document->root = document->doc.document_element();
  std::string expected = std::string(action) + "Response";
  if (local_name(document->root) != expected) {
    if (local_name(document->root) == "Response") {
      auto error = parse_ec2_error(xml);
      return make_error(ErrorKind::protocol, "EC2 error document instead of " + expected +
                                                 (error ? ": " + error->code : std::string()));
    }
    std::string got(local_name(document->root).substr(0, 80));
    return make_error(ErrorKind::protocol, "expected <" + expected + ">, got <" + got + ">");
  }
  return document;
}

template <typename T>
Ec2Page<T> page_of(const pugi::xml_node& root) {
  Ec2Page<T> page;
  page.next_token = text(root, "nextToken");
  page.request_id = text(root, "requestId");
  return page;
}

/// Associated CIDRs of a VPC/subnet IPv6 (or VPC IPv4) association set.
bool associated_cidrs(const pugi::xml_node& node, std::string_view list, std::string_view field,
                      std::string_view state_element, std::size_t& budget,
                      std::vector<std::string>& out) {
  return for_items(node, list, budget, [&](const pugi::xml_node& item) {
    std::string state = text(child(item, state_element), "state");
    std::string cidr = text(item, field);
    if (cidr.empty()) return;
    if (!state.empty() && state != "associated" && state != "associating") return;
    if (std::find(out.begin(), out.end(), cidr) == out.end()) out.push_back(std::move(cidr));
  });
}

bool permissions(const pugi::xml_node& node, std::string_view list, std::size_t& budget,
                 std::vector<IpPermission>& out) {
  bool ok = true;
  ok &= for_items(node, list, budget, [&](const pugi::xml_node& item) {
    IpPermission p;
    p.protocol = text(item, "ipProtocol");
    p.from_port = integer(item, "fromPort");
    p.to_port = integer(item, "toPort");
    ok &= strings(item, "ipRanges", "cidrIp", budget, p.ipv4_ranges);
    ok &= strings(item, "ipv6Ranges", "cidrIpv6", budget, p.ipv6_ranges);
    ok &= strings(item, "prefixListIds", "prefixListId", budget, p.prefix_list_ids);
    ok &= for_items(item, "groups", budget, [&](const pugi::xml_node& g) {
      p.groups.push_back({text(g, "groupId"), text(g, "userId"), text(g, "vpcId")});
    });
    out.push_back(std::move(p));
  });
  return ok;
}

}  // namespace

Result<Ec2Page<VpcEndpoint>> parse_describe_vpc_endpoints(std::string_view xml) {
  auto doc = load(xml, "DescribeVpcEndpoints");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<VpcEndpoint>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "vpcEndpointSet", budget, [&](const pugi::xml_node& item) {
    VpcEndpoint e;
    e.id = text(item, "vpcEndpointId");
    e.type = text(item, "vpcEndpointType");
    e.vpc_id = text(item, "vpcId");
    e.service_name = text(item, "serviceName");
    e.state = text(item, "state");
    e.policy_document = text(item, "policyDocument");
    e.private_dns_enabled = boolean(item, "privateDnsEnabled");
    e.ip_address_type = text(item, "ipAddressType");
    e.dns_record_ip_type = text(child(item, "dnsOptions"), "dnsRecordIpType");
    e.owner_id = text(item, "ownerId");
    strings(item, "subnetIdSet", "", budget, e.subnet_ids);
    strings(item, "groupSet", "groupId", budget, e.group_ids);
    strings(item, "networkInterfaceIdSet", "", budget, e.network_interface_ids);
    for_items(item, "dnsEntrySet", budget, [&](const pugi::xml_node& d) {
      e.dns_entries.push_back({text(d, "dnsName"), text(d, "hostedZoneId")});
    });
    page.items.push_back(std::move(e));
  });
  if (!ok || budget == 0) return too_many("VPC endpoint elements");
  return page;
}

Result<Ec2Page<NetworkInterface>> parse_describe_network_interfaces(std::string_view xml) {
  auto doc = load(xml, "DescribeNetworkInterfaces");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<NetworkInterface>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "networkInterfaceSet", budget, [&](const pugi::xml_node& item) {
    NetworkInterface n;
    n.id = text(item, "networkInterfaceId");
    n.subnet_id = text(item, "subnetId");
    n.vpc_id = text(item, "vpcId");
    n.availability_zone = text(item, "availabilityZone");
    n.interface_type = text(item, "interfaceType");
    n.status = text(item, "status");
    n.description = text(item, "description");
    n.private_ip = text(item, "privateIpAddress");
    n.requester_managed = boolean(item, "requesterManaged");
    strings(item, "privateIpAddressesSet", "privateIpAddress", budget, n.private_ips);
    if (n.private_ips.empty() && !n.private_ip.empty()) n.private_ips.push_back(n.private_ip);
    strings(item, "ipv6AddressesSet", "ipv6Address", budget, n.ipv6_addresses);
    strings(item, "groupSet", "groupId", budget, n.group_ids);
    page.items.push_back(std::move(n));
  });
  if (!ok || budget == 0) return too_many("network interface elements");
  return page;
}

Result<Ec2Page<RouteTable>> parse_describe_route_tables(std::string_view xml) {
  auto doc = load(xml, "DescribeRouteTables");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<RouteTable>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "routeTableSet", budget, [&](const pugi::xml_node& item) {
    RouteTable t;
    t.id = text(item, "routeTableId");
    t.vpc_id = text(item, "vpcId");
    for_items(item, "associationSet", budget, [&](const pugi::xml_node& a) {
      std::string state = text(child(a, "associationState"), "state");
      if (state == "disassociated" || state == "disassociating" || state == "failed") return;
      t.associations.push_back({text(a, "routeTableAssociationId"), text(a, "subnetId"),
                                text(a, "gatewayId"), boolean(a, "main")});
    });
    for_items(item, "routeSet", budget, [&](const pugi::xml_node& r) {
      Route route;
      route.destination_cidr = text(r, "destinationCidrBlock");
      route.destination_ipv6_cidr = text(r, "destinationIpv6CidrBlock");
      route.destination_prefix_list_id = text(r, "destinationPrefixListId");
      route.gateway_id = text(r, "gatewayId");
      route.nat_gateway_id = text(r, "natGatewayId");
      route.transit_gateway_id = text(r, "transitGatewayId");
      route.vpc_peering_connection_id = text(r, "vpcPeeringConnectionId");
      route.network_interface_id = text(r, "networkInterfaceId");
      route.instance_id = text(r, "instanceId");
      route.egress_only_internet_gateway_id = text(r, "egressOnlyInternetGatewayId");
      route.local_gateway_id = text(r, "localGatewayId");
      route.carrier_gateway_id = text(r, "carrierGatewayId");
      route.core_network_arn = text(r, "coreNetworkArn");
      route.state = text(r, "state");
      route.origin = text(r, "origin");
      t.routes.push_back(std::move(route));
    });
    page.items.push_back(std::move(t));
  });
  if (!ok || budget == 0) return too_many("route table elements");
  return page;
}

Result<Ec2Page<SecurityGroup>> parse_describe_security_groups(std::string_view xml) {
  auto doc = load(xml, "DescribeSecurityGroups");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<SecurityGroup>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = true;
  // The list wrapper is securityGroupInfo, not securityGroupSet (aws-reference §4.3).
  ok &= for_items(root, "securityGroupInfo", budget, [&](const pugi::xml_node& item) {
    SecurityGroup g;
    g.id = text(item, "groupId");
    g.name = text(item, "groupName");
    g.vpc_id = text(item, "vpcId");
    g.owner_id = text(item, "ownerId");
    ok &= permissions(item, "ipPermissions", budget, g.ingress);
    ok &= permissions(item, "ipPermissionsEgress", budget, g.egress);
    page.items.push_back(std::move(g));
  });
  if (!ok || budget == 0) return too_many("security group elements");
  return page;
}

Result<Ec2Page<NetworkAcl>> parse_describe_network_acls(std::string_view xml) {
  auto doc = load(xml, "DescribeNetworkAcls");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<NetworkAcl>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "networkAclSet", budget, [&](const pugi::xml_node& item) {
    NetworkAcl acl;
    acl.id = text(item, "networkAclId");
    acl.vpc_id = text(item, "vpcId");
    acl.is_default = boolean(item, "default");
    for_items(item, "entrySet", budget, [&](const pugi::xml_node& e) {
      NaclEntry entry;
      entry.rule_number = integer(e, "ruleNumber").value_or(0);
      entry.protocol = text(e, "protocol");
      entry.rule_action = text(e, "ruleAction");
      entry.egress = boolean(e, "egress");
      entry.cidr = text(e, "cidrBlock");
      entry.ipv6_cidr = text(e, "ipv6CidrBlock");
      pugi::xml_node range = child(e, "portRange");
      if (range) {
        entry.port_from = integer(range, "from");
        entry.port_to = integer(range, "to");
      }
      acl.entries.push_back(std::move(entry));
    });
    strings(item, "associationSet", "subnetId", budget, acl.subnet_ids);
    page.items.push_back(std::move(acl));
  });
  if (!ok || budget == 0) return too_many("network ACL elements");
  return page;
}

Result<Ec2Page<Subnet>> parse_describe_subnets(std::string_view xml) {
  auto doc = load(xml, "DescribeSubnets");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<Subnet>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "subnetSet", budget, [&](const pugi::xml_node& item) {
    Subnet s;
    s.id = text(item, "subnetId");
    s.vpc_id = text(item, "vpcId");
    s.cidr = text(item, "cidrBlock");
    s.availability_zone = text(item, "availabilityZone");
    s.availability_zone_id = text(item, "availabilityZoneId");
    associated_cidrs(item, "ipv6CidrBlockAssociationSet", "ipv6CidrBlock", "ipv6CidrBlockState",
                     budget, s.ipv6_cidrs);
    page.items.push_back(std::move(s));
  });
  if (!ok || budget == 0) return too_many("subnet elements");
  return page;
}

Result<Ec2Page<Vpc>> parse_describe_vpcs(std::string_view xml) {
  auto doc = load(xml, "DescribeVpcs");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<Vpc>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "vpcSet", budget, [&](const pugi::xml_node& item) {
    Vpc v;
    v.id = text(item, "vpcId");
    v.dhcp_options_id = text(item, "dhcpOptionsId");
    v.is_default = boolean(item, "isDefault");
    v.owner_id = text(item, "ownerId");
    std::string primary = text(item, "cidrBlock");
    if (!primary.empty()) v.ipv4_cidrs.push_back(primary);  // primary first
    associated_cidrs(item, "cidrBlockAssociationSet", "cidrBlock", "cidrBlockState", budget,
                     v.ipv4_cidrs);
    associated_cidrs(item, "ipv6CidrBlockAssociationSet", "ipv6CidrBlock", "ipv6CidrBlockState",
                     budget, v.ipv6_cidrs);
    page.items.push_back(std::move(v));
  });
  if (!ok || budget == 0) return too_many("VPC elements");
  return page;
}

Result<Ec2Page<DhcpOptions>> parse_describe_dhcp_options(std::string_view xml) {
  auto doc = load(xml, "DescribeDhcpOptions");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<DhcpOptions>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "dhcpOptionsSet", budget, [&](const pugi::xml_node& item) {
    DhcpOptions d;
    d.id = text(item, "dhcpOptionsId");
    for_items(item, "dhcpConfigurationSet", budget, [&](const pugi::xml_node& conf) {
      std::string key = text(conf, "key");
      std::vector<std::string>* target = key == "domain-name-servers" ? &d.domain_name_servers
                                         : key == "domain-name"       ? &d.domain_name
                                                                      : nullptr;
      if (target != nullptr) strings(conf, "valueSet", "value", budget, *target);
    });
    page.items.push_back(std::move(d));
  });
  if (!ok || budget == 0) return too_many("DHCP options elements");
  return page;
}

Result<VpcDnsAttributes> parse_describe_vpc_attribute(std::string_view xml) {
  auto doc = load(xml, "DescribeVpcAttribute");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  VpcDnsAttributes attributes;
  if (pugi::xml_node n = child(root, "enableDnsSupport")) {
    attributes.enable_dns_support = boolean(n, "value");
  }
  if (pugi::xml_node n = child(root, "enableDnsHostnames")) {
    attributes.enable_dns_hostnames = boolean(n, "value");
  }
  return attributes;
}

Result<Ec2ApiError> parse_ec2_error(std::string_view xml) {
  if (xml.size() > kMaxEc2XmlBytes) return make_error(ErrorKind::too_large, "error body too large");
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return make_error(ErrorKind::parse, "error body is not XML");
  }
  pugi::xml_node root = doc.document_element();
  if (local_name(root) != "Response") {
    return make_error(ErrorKind::parse, "error body is not an EC2 error document");
  }
  pugi::xml_node error = child(child(root, "Errors"), "Error");
  if (!error) return make_error(ErrorKind::parse, "EC2 error document without <Error>");
  Ec2ApiError out;
  out.code = text(error, "Code").substr(0, 128);
  out.message = text(error, "Message").substr(0, kMaxMessageBytes);
  out.request_id = text(root, "RequestID").substr(0, 128);
  if (out.request_id.empty()) out.request_id = text(root, "RequestId").substr(0, 128);
  if (out.code.empty()) return make_error(ErrorKind::parse, "EC2 error document without <Code>");
  return out;
}

Result<Ec2Page<std::string>> parse_get_managed_prefix_list_entries(std::string_view xml) {
  auto doc = load(xml, "GetManagedPrefixListEntries");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<std::string>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "entrySet", budget, [&](const pugi::xml_node& item) {
    std::string cidr = text(item, "cidr");
    if (!cidr.empty()) page.items.push_back(std::move(cidr));
  });
  if (!ok || budget == 0) return too_many("prefix list entries");
  return page;
}

Result<Ec2Page<ManagedPrefixList>> parse_describe_managed_prefix_lists(std::string_view xml) {
  auto doc = load(xml, "DescribeManagedPrefixLists");
  if (!doc) return tl::unexpected(doc.error());
  const pugi::xml_node& root = (*doc)->root;
  auto page = page_of<ManagedPrefixList>(root);
  std::size_t budget = kMaxEc2Items;
  bool ok = for_items(root, "prefixListSet", budget, [&](const pugi::xml_node& item) {
    ManagedPrefixList list;
    list.id = text(item, "prefixListId");
    list.name = text(item, "prefixListName").substr(0, 256);
    list.owner_id = text(item, "ownerId").substr(0, 64);
    list.state = text(item, "state").substr(0, 64);
    list.described = true;
    if (!list.id.empty()) page.items.push_back(std::move(list));
  });
  if (!ok || budget == 0) return too_many("prefix lists");
  return page;
}

}  // namespace bedrock_reach
