#include "aws/topology_discovery.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "aws/ec2_client.hpp"

namespace bedrock_reach {
namespace {

template <typename T>
void merge_by_id(std::vector<T>& into, std::vector<T> items) {
  for (auto& item : items) {
    bool known = std::any_of(into.begin(), into.end(),
                             [&](const T& existing) { return existing.id == item.id; });
    if (!known) into.push_back(std::move(item));
  }
}

std::vector<std::string> minus(const std::vector<std::string>& values,
                               const std::vector<std::string>& known) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    if (v.empty()) continue;
    if (std::find(known.begin(), known.end(), v) != known.end()) continue;
    if (std::find(out.begin(), out.end(), v) != out.end()) continue;
    out.push_back(v);
  }
  return out;
}

class Discovery : public std::enable_shared_from_this<Discovery> {
 public:
  Discovery(ProbeContext& ctx, HttpClient& http, const Ec2Options& options,
            const Credentials& credentials, const DiscoveryInput& input,
            ProbeCallback<Topology> done)
      : loop_(ctx.loop),
        deadline_(ctx.deadline),
        log_(ctx.log),
        client_(ctx.loop, http, options, credentials),
        input_(input),
        done_(std::move(done)),
        started_(ctx.loop.now()) {}

  void start() {
    auto self = shared_from_this();
    const MacInfo* mac = input_.identity.primary();
    bool own_vpc = mac != nullptr && !mac->vpc_id.empty() &&
                   (input_.vpc_id.empty() || input_.vpc_id == mac->vpc_id);
    if (!own_vpc && input_.vpc_id.empty()) {
      topology_.gaps.push_back("no VPC id from instance metadata: nothing to look up");
      loop_.add_timer(loop_.now(), [self] { self->finish(false); });
      return;
    }
    vpc_id_ = own_vpc ? mac->vpc_id : input_.vpc_id;
    if (own_vpc) {
      subnet_id_ = mac->subnet_id;
      instance_sgs_ = mac->security_group_ids;
    }
    deadline_timer_ = loop_.add_timer(deadline_, [self] {
      self->deadline_timer_ = 0;
      self->finish(true);
    });
    ++pending_;  // held while issuing, so an early answer cannot finish us
    issue_level_one();
    release();
  }

 private:
  template <typename T>
  void describe(std::string action, QueryParams params, Ec2Client::PageParser<T> parse,
                std::function<void(std::vector<T>)> on_items) {
    ++pending_;
    in_flight_.insert(action);
    auto self = shared_from_this();
    client_.describe_all<T>(
        action, std::move(params), parse, deadline_,
        [self, action, on_items = std::move(on_items)](Ec2Result<std::vector<T>> result) {
          if (self->finished_) return;
          self->landed(action, result.has_value());
          if (result) {
            self->topology_.api_reachable = true;
            on_items(std::move(*result));
          } else {
            self->failed(result.error());
          }
          self->release();
        });
  }

  void release() {
    if (--pending_ > 0) return;
    if (!finished_ && issue_prefix_list_names()) return;  // holds pending_ until it answers
    finish(false);
  }

  /// Bookkeeping for Topology::read_complete(): one read of `action` has answered.
  void landed(const std::string& action, bool ok) {
    if (auto it = in_flight_.find(action); it != in_flight_.end()) in_flight_.erase(it);
    add_unique(ok ? topology_.read_actions : topology_.unread_actions, action);
  }

  static void add_unique(std::vector<std::string>& list, const std::string& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  }

  void issue_level_one() {
    if (input_.vpc_wide) return issue_vpc_wide();
    auto self = shared_from_this();
    {
      QueryParams p;
      add_ec2_filter(p, 1, "vpc-id", {vpc_id_});
      // No service names: every endpoint of the VPC (an empty filter would be rejected).
      if (!input_.service_names.empty()) add_ec2_filter(p, 2, "service-name", input_.service_names);
      describe<VpcEndpoint>("DescribeVpcEndpoints", std::move(p), &parse_describe_vpc_endpoints,
                            [self](std::vector<VpcEndpoint> endpoints) {
                              merge_by_id(self->topology_.endpoints, std::move(endpoints));
                              self->issue_endpoint_details();
                            });
    }
    if (!input_.service_names.empty()) {
      // Inspection appliances: a route to a vpce- is a Gateway Load Balancer endpoint (or an AWS
      // Network Firewall endpoint, which is one) or a gateway endpoint; the type names the hop.
      QueryParams p;
      add_ec2_filter(p, 1, "vpc-id", {vpc_id_});
      add_ec2_filter(p, 2, "vpc-endpoint-type", {"GatewayLoadBalancer"});
      describe<VpcEndpoint>("DescribeVpcEndpoints", std::move(p), &parse_describe_vpc_endpoints,
                            [self](std::vector<VpcEndpoint> endpoints) {
                              merge_by_id(self->topology_.endpoints, std::move(endpoints));
                            });
    }
    if (!subnet_id_.empty()) {
      QueryParams explicit_table;
      add_ec2_filter(explicit_table, 1, "association.subnet-id", {subnet_id_});
      describe<RouteTable>("DescribeRouteTables", std::move(explicit_table),
                           &parse_describe_route_tables, [self](std::vector<RouteTable> tables) {
                             merge_by_id(self->topology_.route_tables, std::move(tables));
                             self->issue_prefix_lists();
                           });
      QueryParams acl;
      add_ec2_filter(acl, 1, "association.subnet-id", {subnet_id_});
      describe<NetworkAcl>("DescribeNetworkAcls", std::move(acl), &parse_describe_network_acls,
                           [self](std::vector<NetworkAcl> acls) {
                             merge_by_id(self->topology_.network_acls, std::move(acls));
                           });
      QueryParams subnet;
      add_ec2_list(subnet, "SubnetId", {subnet_id_});
      describe<Subnet>("DescribeSubnets", std::move(subnet), &parse_describe_subnets,
                       [self](std::vector<Subnet> subnets) {
                         merge_by_id(self->topology_.subnets, std::move(subnets));
                       });
    }
    {
      // The main table applies when the subnet has no explicit association; asked at once
      // rather than after the explicit lookup, to save a round trip.
      QueryParams main_table;
      add_ec2_filter(main_table, 1, "vpc-id", {vpc_id_});
      add_ec2_filter(main_table, 2, "association.main", {"true"});
      describe<RouteTable>("DescribeRouteTables", std::move(main_table),
                           &parse_describe_route_tables, [self](std::vector<RouteTable> tables) {
                             merge_by_id(self->topology_.route_tables, std::move(tables));
                             self->issue_prefix_lists();
                           });
    }
    if (!instance_sgs_.empty()) {
      QueryParams sg;
      add_ec2_list(sg, "GroupId", instance_sgs_);
      describe<SecurityGroup>("DescribeSecurityGroups", std::move(sg),
                              &parse_describe_security_groups,
                              [self](std::vector<SecurityGroup> groups) {
                                merge_by_id(self->topology_.security_groups, std::move(groups));
                                self->issue_prefix_lists();
                              });
    }
    issue_vpc_reads();
  }

  /// Audit: one read per action for the whole VPC (pagination only); see DiscoveryInput.
  void issue_vpc_wide() {
    auto self = shared_from_this();
    auto vpc_filter = [this] {
      QueryParams p;
      add_ec2_filter(p, 1, "vpc-id", {vpc_id_});
      return p;
    };
    describe<VpcEndpoint>("DescribeVpcEndpoints", vpc_filter(), &parse_describe_vpc_endpoints,
                          [self](std::vector<VpcEndpoint> endpoints) {
                            merge_by_id(self->topology_.endpoints, std::move(endpoints));
                            self->issue_endpoint_details();
                          });
    describe<RouteTable>("DescribeRouteTables", vpc_filter(), &parse_describe_route_tables,
                         [self](std::vector<RouteTable> tables) {
                           merge_by_id(self->topology_.route_tables, std::move(tables));
                           self->issue_prefix_lists();
                         });
    describe<NetworkAcl>("DescribeNetworkAcls", vpc_filter(), &parse_describe_network_acls,
                         [self](std::vector<NetworkAcl> acls) {
                           merge_by_id(self->topology_.network_acls, std::move(acls));
                         });
    describe<Subnet>("DescribeSubnets", vpc_filter(), &parse_describe_subnets,
                     [self](std::vector<Subnet> subnets) {
                       merge_by_id(self->topology_.subnets, std::move(subnets));
                     });
    issue_vpc_reads();
  }

  void issue_vpc_reads() {
    auto self = shared_from_this();
    {
      QueryParams vpc;
      add_ec2_list(vpc, "VpcId", {vpc_id_});
      describe<Vpc>("DescribeVpcs", std::move(vpc), &parse_describe_vpcs,
                    [self](std::vector<Vpc> vpcs) {
                      for (auto& v : vpcs) {
                        if (v.id != self->vpc_id_) continue;
                        self->topology_.vpc = v;
                        if (!v.dhcp_options_id.empty() && v.dhcp_options_id != "default") {
                          self->issue_dhcp_options(v.dhcp_options_id);
                        }
                      }
                    });
    }
    for (const char* attribute : {"enableDnsSupport", "enableDnsHostnames"}) {
      QueryParams p{{"VpcId", vpc_id_}, {"Attribute", attribute}};
      ++pending_;
      in_flight_.insert("DescribeVpcAttribute");
      client_.request("DescribeVpcAttribute", std::move(p), deadline_,
                      [self](Ec2Result<std::string> body) {
                        if (self->finished_) return;
                        self->landed("DescribeVpcAttribute", body.has_value());
                        if (!body) {
                          self->failed(body.error());
                        } else if (auto attrs = parse_describe_vpc_attribute(*body); !attrs) {
                          Ec2Failure f;
                          f.kind = Ec2FailureKind::parse;
                          f.action = "DescribeVpcAttribute";
                          f.message = attrs.error().message;
                          self->failed(f);
                        } else {
                          self->topology_.api_reachable = true;
                          auto& into = self->topology_.dns_attributes;
                          if (attrs->enable_dns_support) {
                            into.enable_dns_support = attrs->enable_dns_support;
                          }
                          if (attrs->enable_dns_hostnames) {
                            into.enable_dns_hostnames = attrs->enable_dns_hostnames;
                          }
                        }
                        self->release();
                      });
    }
  }

  void issue_dhcp_options(const std::string& id) {
    auto self = shared_from_this();
    QueryParams p;
    add_ec2_list(p, "DhcpOptionsId", {id});
    describe<DhcpOptions>("DescribeDhcpOptions", std::move(p), &parse_describe_dhcp_options,
                          [self, id](std::vector<DhcpOptions> options) {
                            for (auto& o : options) {
                              if (o.id == id) self->topology_.dhcp_options = std::move(o);
                            }
                          });
  }

  /// Level two: what the endpoints name. ENIs come from networkInterfaceIdSet, never from
  /// interfaceType (older ENIs say "interface").
  void issue_endpoint_details() {
    auto self = shared_from_this();
    std::vector<std::string> enis, subnets, groups;
    for (const auto& e : topology_.endpoints) {
      for (const auto& id : e.network_interface_ids) enis.push_back(id);
      for (const auto& id : e.subnet_ids) subnets.push_back(id);
      for (const auto& id : e.group_ids) groups.push_back(id);
    }
    enis = minus(enis, {});
    subnets = minus(subnets, {subnet_id_});
    groups = minus(groups, instance_sgs_);
    if (input_.vpc_wide) {
      subnets.clear();  // every subnet and NACL of the VPC is read already
      groups = minus(instance_sgs_, {});
      for (const auto& e : topology_.endpoints) {
        for (const auto& id : minus(e.group_ids, groups)) groups.push_back(id);
      }
    }
    if (!enis.empty()) {
      // A filter, not NetworkInterfaceId.N: one deleted ENI would fail the whole ID call.
      QueryParams p;
      add_ec2_filter(p, 1, "network-interface-id", enis);
      describe<NetworkInterface>(
          "DescribeNetworkInterfaces", std::move(p), &parse_describe_network_interfaces,
          [self](std::vector<NetworkInterface> items) {
            merge_by_id(self->topology_.network_interfaces, std::move(items));
          });
    }
    if (!subnets.empty()) {
      QueryParams p;
      add_ec2_filter(p, 1, "subnet-id", subnets);
      describe<Subnet>("DescribeSubnets", std::move(p), &parse_describe_subnets,
                       [self](std::vector<Subnet> items) {
                         merge_by_id(self->topology_.subnets, std::move(items));
                       });
      QueryParams acl;
      add_ec2_filter(acl, 1, "association.subnet-id", subnets);
      describe<NetworkAcl>("DescribeNetworkAcls", std::move(acl), &parse_describe_network_acls,
                           [self](std::vector<NetworkAcl> items) {
                             merge_by_id(self->topology_.network_acls, std::move(items));
                           });
    }
    if (!groups.empty()) {
      QueryParams p;
      add_ec2_list(p, "GroupId", groups);
      describe<SecurityGroup>("DescribeSecurityGroups", std::move(p),
                              &parse_describe_security_groups,
                              [self](std::vector<SecurityGroup> items) {
                                merge_by_id(self->topology_.security_groups, std::move(items));
                                self->issue_prefix_lists();
                              });
    }
  }

  /// Entries of every prefix list the route tables and security group rules name, once each.
  void issue_prefix_lists() {
    std::vector<std::string> ids;
    for (const auto& table : topology_.route_tables) {
      for (const auto& route : table.routes)
        if (!route.destination_prefix_list_id.empty())
          ids.push_back(route.destination_prefix_list_id);
    }
    for (const auto& group : topology_.security_groups) {
      for (const auto* rules : {&group.ingress, &group.egress}) {
        for (const auto& rule : *rules)
          ids.insert(ids.end(), rule.prefix_list_ids.begin(), rule.prefix_list_ids.end());
      }
    }
    auto self = shared_from_this();
    for (const auto& id : ids) {
      if (!requested_prefix_lists_.insert(id).second || requested_prefix_lists_.size() > 32)
        continue;
      QueryParams p{{"PrefixListId", id}};
      describe<std::string>("GetManagedPrefixListEntries", std::move(p),
                            &parse_get_managed_prefix_list_entries,
                            [self, id](std::vector<std::string> cidrs) {
                              self->prefix_list(id).cidrs = std::move(cidrs);
                              self->prefix_list(id).entries_read = true;
                            });
    }
  }

  ManagedPrefixList& prefix_list(const std::string& id) {
    for (auto& list : topology_.prefix_lists)
      if (list.id == id) return list;
    topology_.prefix_lists.push_back(ManagedPrefixList{.id = id});
    return topology_.prefix_lists.back();
  }

  /// Names and owners of the prefix lists seen (AWS-managed or the customer's), in one
  /// DescribeManagedPrefixLists for all of them (PrefixListId.N, paged), once every route table
  /// and security group read has answered: the last reads may name more lists.
  bool issue_prefix_list_names() {
    if (prefix_lists_named_ || requested_prefix_lists_.empty()) return false;
    prefix_lists_named_ = true;
    std::vector<std::string> ids(requested_prefix_lists_.begin(), requested_prefix_lists_.end());
    QueryParams p;
    add_ec2_list(p, "PrefixListId", ids);
    auto self = shared_from_this();
    describe<ManagedPrefixList>("DescribeManagedPrefixLists", std::move(p),
                                &parse_describe_managed_prefix_lists,
                                [self](std::vector<ManagedPrefixList> lists) {
                                  for (auto& described : lists) {
                                    if (!self->requested_prefix_lists_.count(described.id))
                                      continue;
                                    auto& list = self->prefix_list(described.id);
                                    list.described = true;
                                    list.name = std::move(described.name);
                                    list.owner_id = std::move(described.owner_id);
                                    list.state = std::move(described.state);
                                  }
                                });
    return true;
  }

  /// Failures arrive in whatever order the API answers; they are judged together in finish(), in
  /// the fixed order of discovery_ec2_actions(), so a report's messages and evidence do not depend
  /// on which reply came first.
  void failed(const Ec2Failure& f) { failures_.push_back(f); }

  void judge_failures() {
    const auto& order = discovery_ec2_actions();
    auto rank = [&order](const Ec2Failure& f) {
      return std::find(order.begin(), order.end(), f.action) - order.begin();
    };
    std::stable_sort(failures_.begin(), failures_.end(),
                     [&](const Ec2Failure& a, const Ec2Failure& b) { return rank(a) < rank(b); });
    for (const auto& f : failures_) judge(f);
  }

  void judge(const Ec2Failure& f) {
    std::string name = "ec2:" + f.action;
    std::string line = name + ": " + to_string(f.kind) + (f.code.empty() ? "" : " " + f.code) +
                       (f.message.empty() ? "" : " (" + f.message.substr(0, 300) + ")") +
                       " after " + std::to_string(f.attempts) + " attempt(s)";
    if (std::find(topology_.gaps.begin(), topology_.gaps.end(), line) == topology_.gaps.end()) {
      topology_.gaps.push_back(line);
    }
    add_unique(topology_.unread_actions, f.action);
    log_.debug("ec2: {}", line);
    std::vector<std::string> evidence{line};
    if (!f.request_id.empty()) evidence.push_back("request id " + f.request_id);
    switch (f.kind) {
      case Ec2FailureKind::denied:
        topology_.api_reachable = true;
        if (std::find(topology_.denied_actions.begin(), topology_.denied_actions.end(), name) ==
            topology_.denied_actions.end()) {
          topology_.denied_actions.push_back(name);
          findings_.push_back(make_finding(
              "API_ACCESS_DENIED", "", "",
              "The EC2 API denied " + name + ": " + ec2_action_purpose(f.action) + " not verified",
              evidence));
        }
        break;
      case Ec2FailureKind::auth:
        topology_.api_reachable = true;
        add_once("CREDENTIALS_INVALID",
                 "The EC2 API rejected the credentials (" + f.code + ") for " + name, line);
        break;
      case Ec2FailureKind::client:
        topology_.api_reachable = true;
        break;  // a gap the rules see; not a reachability problem
      case Ec2FailureKind::deadline:
        deadline_hit_ = true;  // cut_by_deadline says it
        break;
      case Ec2FailureKind::throttled:
      case Ec2FailureKind::server:
        topology_.api_reachable = true;
        add_once("API_UNREACHABLE",
                 "The EC2 API at " + client_.options().endpoint_url + " did not serve " + name +
                     " (" + f.code + ")",
                 line);
        break;
      case Ec2FailureKind::transport:
      case Ec2FailureKind::parse:
        add_once("API_UNREACHABLE",
                 "The EC2 API at " + client_.options().endpoint_url +
                     " could not be used: " + to_string(f.kind) + " on " + name,
                 line);
        break;
    }
  }

  void add_once(const std::string& code, std::string message, const std::string& evidence) {
    for (auto& existing : findings_) {
      if (existing.code == code) {
        if (existing.evidence.size() < 20) existing.evidence.push_back(evidence);
        return;
      }
    }
    findings_.push_back(make_finding(code, "", "", std::move(message), {evidence}));
  }

  void finish(bool cut) {
    if (finished_) return;
    finished_ = true;
    judge_failures();
    cut = cut || deadline_hit_;
    if (deadline_timer_ != 0) loop_.cancel_timer(deadline_timer_);
    for (const auto& action : in_flight_) {
      add_unique(topology_.unread_actions, action);
      std::string line = "ec2:" + action + ": no answer before the deadline";
      add_unique(topology_.gaps, line);
    }
    // The instance subnet's table: its explicit association, else the VPC's main table.
    const RouteTable* chosen = nullptr;
    for (const auto& t : topology_.route_tables) {
      for (const auto& a : t.associations) {
        if (!subnet_id_.empty() && a.subnet_id == subnet_id_) chosen = &t;
      }
    }
    if (chosen == nullptr) {
      for (const auto& t : topology_.route_tables) {
        for (const auto& a : t.associations) {
          if (a.main && (t.vpc_id.empty() || t.vpc_id == vpc_id_)) chosen = &t;
        }
      }
    }
    if (chosen != nullptr) topology_.instance_route_table = *chosen;
    ProbeOutcome<Topology> outcome;
    outcome.data = std::move(topology_);
    outcome.findings = std::move(findings_);
    outcome.cut_by_deadline = cut;
    outcome.elapsed_ms = std::chrono::duration<double, std::milli>(loop_.now() - started_).count();
    const auto& stats = client_.stats();
    log_.debug("ec2: discovery done in {:.1f} ms: {} requests, {} retries, {} throttled{}",
               outcome.elapsed_ms, stats.requests, stats.retries, stats.throttled,
               cut ? " (cut by the deadline)" : "");
    auto done = std::move(done_);
    done(std::move(outcome));
  }

  EventLoop& loop_;
  TimePoint deadline_;
  spdlog::logger& log_;
  Ec2Client client_;
  DiscoveryInput input_;
  ProbeCallback<Topology> done_;
  TimePoint started_;
  EventLoop::TimerId deadline_timer_ = 0;
  std::string vpc_id_, subnet_id_;
  std::vector<std::string> instance_sgs_;
  int pending_ = 0;
  bool finished_ = false;
  std::multiset<std::string> in_flight_;  // actions of reads not yet answered
  std::set<std::string> requested_prefix_lists_;
  bool prefix_lists_named_ = false;
  bool deadline_hit_ = false;
  Topology topology_;
  std::vector<Finding> findings_;
  std::vector<Ec2Failure> failures_;  // judged in finish()
};

}  // namespace

const std::vector<std::string>& discovery_ec2_actions() {
  static const std::vector<std::string> kActions = {
      "DescribeDhcpOptions",         "DescribeNetworkAcls",       "DescribeNetworkInterfaces",
      "DescribeRouteTables",         "DescribeSecurityGroups",    "DescribeSubnets",
      "DescribeVpcAttribute",        "DescribeVpcEndpoints",      "DescribeVpcs",
      "GetManagedPrefixListEntries", "DescribeManagedPrefixLists"};
  return kActions;
}

std::string ec2_action_purpose(std::string_view action) {
  static const std::map<std::string_view, std::string_view> kPurpose = {
      {"DescribeVpcEndpoints", "the interface endpoints"},
      {"DescribeNetworkInterfaces", "the endpoint network interfaces"},
      {"DescribeRouteTables", "the route table"},
      {"DescribeSecurityGroups", "the security groups"},
      {"DescribeNetworkAcls", "the network ACLs"},
      {"DescribeSubnets", "the subnets and AZs"},
      {"DescribeVpcs", "the VPC and its DHCP options"},
      {"DescribeVpcAttribute", "the VPC DNS attributes"},
      {"DescribeDhcpOptions", "the DHCP options"},
      {"GetManagedPrefixListEntries", "the prefix lists that routes and security group rules name"},
      {"DescribeManagedPrefixLists",
       "the names and owners of the prefix lists that routes and security group rules name "
       "(AWS-managed or customer-managed)"},
  };
  auto found = kPurpose.find(action);
  return found == kPurpose.end() ? std::string(action) : std::string(found->second);
}

void probe_topology(ProbeContext& ctx, HttpClient& http, const TopologyRequest& request,
                    ProbeCallback<Topology> done) {
  std::make_shared<Discovery>(ctx, http, request.options, request.credentials, request.input,
                              std::move(done))
      ->start();
}

}  // namespace bedrock_reach
