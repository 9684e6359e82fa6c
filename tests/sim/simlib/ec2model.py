"""Scenario -> EC2 resources as (filter-values, XML-element dict) pairs, in AWS's element order.

XML values: dict = structure, list = <item> list (empty -> <tag/>), bool -> true/false, None -> omitted.
"""
import ipaddress
import json

from .scenario import hid

DEFAULT_POLICY = {"Version": "2008-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
HOSTED_ZONE_VPCE = "Z7HUB22UULQXV"
CREATED = "2026-01-05T08:00:00.000Z"


def tags(d):
    return [{"key": k, "value": v} for k, v in d.items()]


class Res:
    def __init__(self, rid, xml, fv, tagmap=None):
        self.id, self.xml, self.fv, self.tags = rid, xml, fv, tagmap or {}


def endpoints(sc):
    out = []
    for ep in sc["endpoints"].values():
        enis = [e for e in sc["enis"] if e["endpoint_id"] == ep["id"]]
        sgs = [sc["security_groups"][k] for k in ep["security_groups"]]
        entries = [ep["regional_dns_name"]] + [e["zonal_dns_name"] for e in enis]
        dns = [{"dnsName": n, "hostedZoneId": HOSTED_ZONE_VPCE} for n in entries]
        if ep.get("private_dns"):
            zone = "ZONEIDPENDING" if ep["state"] != "available" else "Z" + ep["id"][5:18].upper()
            dns.append({"dnsName": ep["hostname"], "hostedZoneId": zone})
        tagmap = {"Name": ep["service"]}
        xml = {
            "vpcEndpointId": ep["id"], "vpcEndpointType": "Interface", "vpcId": sc["vpc"]["id"],
            "serviceName": ep["service_name"], "state": ep["state"],
            "policyDocument": json.dumps(ep.get("policy") or DEFAULT_POLICY, indent=2),
            "routeTableIdSet": [], "subnetIdSet": [e["subnet_id"] for e in enis],
            "groupSet": [{"groupId": g["id"], "groupName": g["name"]} for g in sgs],
            "ipAddressType": ep["ip_address_type"], "dnsOptions": {"dnsRecordIpType": ep["dns_record_ip_type"]},
            "privateDnsEnabled": bool(ep.get("private_dns")), "requesterManaged": False,
            "networkInterfaceIdSet": [e["id"] for e in enis], "dnsEntrySet": dns,
            "creationTimestamp": CREATED, "tagSet": tags(tagmap), "ownerId": sc["account"],
        }
        fv = {"service-name": [ep["service_name"]], "vpc-id": [sc["vpc"]["id"]], "vpc-endpoint-id": [ep["id"]],
              "vpc-endpoint-state": [ep["state"]], "vpc-endpoint-type": ["Interface"],
              "ip-address-type": [ep["ip_address_type"]], "service-region": [sc["region"]]}
        out.append(Res(ep["id"], xml, fv, tagmap))
    return out


def _eni_xml(sc, eid, sub, desc, reqman, mac, ip, ipv6, sgs, attachment, itype, requester=None):
    dnsname = "ip-%s.%s" % (ip.replace(".", "-"), sc["instance"]["hostname"].split(".", 1)[1])
    return {
        "networkInterfaceId": eid, "subnetId": sub["id"], "vpcId": sc["vpc"]["id"],
        "availabilityZone": sub["az"], "availabilityZoneId": sub["az_id"], "description": desc,
        "ownerId": sc["account"], "requesterId": requester, "requesterManaged": reqman, "status": "in-use",
        "macAddress": mac, "privateIpAddress": ip, "privateDnsName": dnsname, "sourceDestCheck": True,
        "groupSet": [{"groupId": g["id"], "groupName": g["name"]} for g in sgs], "attachment": attachment,
        "tagSet": [],
        "privateIpAddressesSet": [{"privateIpAddress": ip, "privateDnsName": dnsname, "primary": True}],
        "ipv6AddressesSet": [{"ipv6Address": ipv6, "isPrimaryIpv6": False}] if ipv6 else [],
        "interfaceType": itype,
    }


def network_interfaces(sc):
    out = []
    inst = sc["instance"]
    sub = sc["subnets"][inst["subnet"]]
    sgs = [sc["security_groups"][k] for k in inst["security_groups"]]
    att = {"attachmentId": hid("eni-attach", inst["eni"]), "deviceIndex": 0, "networkCardIndex": 0,
           "instanceId": inst["id"], "instanceOwnerId": sc["account"], "status": "attached",
           "attachTime": "2026-01-05T08:00:00.000Z", "deleteOnTermination": True}
    xml = _eni_xml(sc, inst["eni"], sub, "", False, inst["mac"], inst["ip"], inst.get("ipv6"), sgs, att, "interface")
    out.append(Res(inst["eni"], xml, _eni_fv(sc, xml, sub, "interface", inst["id"])))
    for e in sc["enis"]:
        sub = sc["subnets"][e["subnet"]]
        ep = sc["endpoints"][e["service"]]
        sgs = [sc["security_groups"][k] for k in ep["security_groups"]]
        att = {"attachmentId": hid("ela-attach", e["id"]), "deviceIndex": 1, "networkCardIndex": 0,
               "instanceOwnerId": "amazon-aws", "status": "attached", "attachTime": "2026-01-05T08:00:03.000Z",
               "deleteOnTermination": False}
        xml = _eni_xml(sc, e["id"], sub, "VPC Endpoint Interface " + e["endpoint_id"], True, e["mac"], e["ip"],
                       e.get("ipv6"), sgs, att, "vpc_endpoint", requester="727180483921")
        out.append(Res(e["id"], xml, _eni_fv(sc, xml, sub, "vpc_endpoint", None)))
    return out


def _eni_fv(sc, xml, sub, itype, inst_id):
    fv = {"network-interface-id": [xml["networkInterfaceId"]], "subnet-id": [sub["id"]], "vpc-id": [sc["vpc"]["id"]],
          "availability-zone": [sub["az"]], "interface-type": [itype], "description": [xml["description"]],
          "requester-managed": [str(xml["requesterManaged"]).lower()], "status": ["in-use"],
          "group-id": [g["groupId"] for g in xml["groupSet"]], "group-name": [g["groupName"] for g in xml["groupSet"]],
          "private-ip-address": [xml["privateIpAddress"]], "addresses.private-ip-address": [xml["privateIpAddress"]],
          "mac-address": [xml["macAddress"]], "owner-id": [sc["account"]]}
    if inst_id:
        fv["attachment.instance-id"] = [inst_id]
    return fv


ROUTE_TARGETS = [("nat-", "natGatewayId"), ("tgw-", "transitGatewayId"), ("pcx-", "vpcPeeringConnectionId"),
                 ("eni-", "networkInterfaceId"), ("eigw-", "egressOnlyInternetGatewayId"), ("", "gatewayId")]


def route_tables(sc):
    out = []
    for key, rt in sc["route_tables"].items():
        rid = rt.get("id") or hid("rtb", key)
        routes = []
        rlist = list(rt.get("routes", []))
        for cidr in sc["vpc"].get("ipv6_cidrs", []):
            if not any(r["dst"] == cidr for r in rlist):
                rlist.insert(1, {"dst": cidr, "target": "local"})
        for r in rlist:
            item = {}
            if r["dst"].startswith("pl-"):
                item["destinationPrefixListId"] = r["dst"]
            elif ":" in r["dst"]:
                item["destinationIpv6CidrBlock"] = r["dst"]
            else:
                item["destinationCidrBlock"] = r["dst"]
            field = next(f for p, f in ROUTE_TARGETS if r["target"].startswith(p))
            item[field] = r["target"]
            item["state"] = r.get("state", "active")
            item["origin"] = "CreateRouteTable" if r["target"] == "local" else "CreateRoute"
            routes.append(item)
        assocs = []
        if rt.get("main"):
            assocs.append({"routeTableAssociationId": hid("rtbassoc", key), "routeTableId": rid, "main": True,
                           "associationState": {"state": "associated"}})
        for s in rt.get("subnets", []):
            assocs.append({"routeTableAssociationId": hid("rtbassoc", key + s), "routeTableId": rid,
                           "subnetId": sc["subnets"][s]["id"], "main": False,
                           "associationState": {"state": "associated"}})
        tagmap = {"Name": rt["name"]} if rt.get("name") else {}
        xml = {"routeTableId": rid, "vpcId": sc["vpc"]["id"], "ownerId": sc["account"], "routeSet": routes,
               "associationSet": assocs, "propagatingVgwSet": [], "tagSet": tags(tagmap)}
        fv = {"route-table-id": [rid], "vpc-id": [sc["vpc"]["id"]], "owner-id": [sc["account"]],
              "association.subnet-id": [a["subnetId"] for a in assocs if "subnetId" in a],
              "association.main": ["true" if rt.get("main") else "false"],
              "association.route-table-association-id": [a["routeTableAssociationId"] for a in assocs],
              "association.route-table-id": [rid],
              "route.destination-cidr-block": [r["destinationCidrBlock"] for r in routes if "destinationCidrBlock" in r],
              "route.gateway-id": [r["gatewayId"] for r in routes if "gatewayId" in r],
              "route.nat-gateway-id": [r["natGatewayId"] for r in routes if "natGatewayId" in r],
              "route.transit-gateway-id": [r["transitGatewayId"] for r in routes if "transitGatewayId" in r],
              "route.state": [r["state"] for r in routes]}
        out.append(Res(rid, xml, fv, tagmap))
    return out


def _perm(sc, rule):
    proto = str(rule.get("proto", "-1"))
    item = {"ipProtocol": proto}
    if proto != "-1":
        item["fromPort"] = rule.get("from", 0)
        item["toPort"] = rule.get("to", 65535)
    item["groups"] = [{"userId": sc["account"], "groupId": sc["security_groups"][g]["id"]} for g in rule.get("groups", [])]
    desc = rule.get("description")
    item["ipRanges"] = [{"cidrIp": c, "description": desc} for c in rule.get("cidrs", [])]
    item["ipv6Ranges"] = [{"cidrIpv6": c, "description": desc} for c in rule.get("ipv6_cidrs", [])]
    item["prefixListIds"] = [{"prefixListId": p} for p in rule.get("prefix_lists", [])]
    return item


def security_groups(sc):
    out = []
    for key, sg in sc["security_groups"].items():
        tagmap = {"Name": sg["name"]}
        xml = {"ownerId": sc["account"], "groupId": sg["id"], "groupName": sg["name"],
               "groupDescription": sg.get("description", sg["name"]), "vpcId": sc["vpc"]["id"],
               "securityGroupArn": "arn:aws:ec2:%s:%s:security-group/%s" % (sc["region"], sc["account"], sg["id"]),
               "ipPermissions": [_perm(sc, r) for r in sg.get("ingress", [])],
               "ipPermissionsEgress": [_perm(sc, r) for r in sg.get("egress", [])], "tagSet": tags(tagmap)}
        fv = {"group-id": [sg["id"]], "group-name": [sg["name"]], "vpc-id": [sc["vpc"]["id"]],
              "owner-id": [sc["account"]], "description": [xml["groupDescription"]]}
        out.append(Res(sg["id"], xml, fv, tagmap))
    return out


def network_acls(sc):
    out = []
    for key, acl in sc["nacls"].items():
        aid = acl.get("id") or hid("acl", key)
        entries = []
        rules = list(acl.get("entries", []))
        for eg in (True, False):
            rules.append({"rule": 32767, "egress": eg, "proto": "-1", "cidr": "0.0.0.0/0", "action": "deny"})
        for r in rules:
            item = {"ruleNumber": r["rule"], "protocol": str(r.get("proto", "-1")), "ruleAction": r["action"],
                    "egress": bool(r["egress"])}
            if ":" in r.get("cidr", ""):
                item["ipv6CidrBlock"] = r["cidr"]
            else:
                item["cidrBlock"] = r.get("cidr", "0.0.0.0/0")
            if "from" in r:
                item["portRange"] = {"from": r["from"], "to": r.get("to", r["from"])}
            entries.append(item)
        assocs = [{"networkAclAssociationId": hid("aclassoc", key + s), "networkAclId": aid,
                   "subnetId": sc["subnets"][s]["id"]} for s in acl.get("subnets", [])]
        xml = {"networkAclId": aid, "vpcId": sc["vpc"]["id"], "default": bool(acl.get("default")),
               "entrySet": entries, "associationSet": assocs, "tagSet": [], "ownerId": sc["account"]}
        fv = {"network-acl-id": [aid], "vpc-id": [sc["vpc"]["id"]], "default": [str(bool(acl.get("default"))).lower()],
              "association.subnet-id": [a["subnetId"] for a in assocs],
              "association.association-id": [a["networkAclAssociationId"] for a in assocs],
              "association.network-acl-id": [aid], "owner-id": [sc["account"]]}
        out.append(Res(aid, xml, fv))
    return out


def subnets(sc):
    out = []
    used = [sc["instance"]["ip"]] + [e["ip"] for e in sc["enis"]]
    for key, sn in sc["subnets"].items():
        net = ipaddress.ip_network(sn["cidr"])
        free = net.num_addresses - 5 - sum(1 for ip in used if ipaddress.ip_address(ip) in net)
        v6 = []
        if sn.get("ipv6_cidr"):
            v6 = [{"associationId": hid("subnet-cidr-assoc", key), "ipv6CidrBlock": sn["ipv6_cidr"],
                   "ipv6CidrBlockState": {"state": "associated"}, "ipv6AddressAttribute": "public",
                   "ipSource": "amazon"}]
        tagmap = {"Name": "private-" + sn["az"][-1]}
        xml = {"subnetId": sn["id"],
               "subnetArn": "arn:aws:ec2:%s:%s:subnet/%s" % (sc["region"], sc["account"], sn["id"]),
               "state": "available", "ownerId": sc["account"], "vpcId": sc["vpc"]["id"], "cidrBlock": sn["cidr"],
               "ipv6CidrBlockAssociationSet": v6, "availableIpAddressCount": free, "availabilityZone": sn["az"],
               "availabilityZoneId": sn["az_id"], "defaultForAz": False, "mapPublicIpOnLaunch": False,
               "assignIpv6AddressOnCreation": False, "ipv6Native": False,
               "privateDnsNameOptionsOnLaunch": {"hostnameType": "ip-name", "enableResourceNameDnsARecord": False,
                                                 "enableResourceNameDnsAAAARecord": False},
               "tagSet": tags(tagmap)}
        fv = {"subnet-id": [sn["id"]], "vpc-id": [sc["vpc"]["id"]], "availability-zone": [sn["az"]],
              "availability-zone-id": [sn["az_id"]], "cidr-block": [sn["cidr"]], "cidr": [sn["cidr"]],
              "state": ["available"], "default-for-az": ["false"], "owner-id": [sc["account"]],
              "ipv6-cidr-block-association.ipv6-cidr-block": [sn["ipv6_cidr"]] if sn.get("ipv6_cidr") else []}
        out.append(Res(sn["id"], xml, fv, tagmap))
    return out


def vpcs(sc):
    vpc = sc["vpc"]
    v4 = [{"associationId": hid("vpc-cidr-assoc", c), "cidrBlock": c, "cidrBlockState": {"state": "associated"}}
          for c in vpc["cidrs"]]
    v6 = [{"associationId": hid("vpc-cidr-assoc", c), "ipv6CidrBlock": c,
           "ipv6CidrBlockState": {"state": "associated"}, "networkBorderGroup": sc["region"],
           "ipv6Pool": "Amazon", "ipv6AddressAttribute": "public", "ipSource": "amazon"} for c in vpc.get("ipv6_cidrs", [])]
    tagmap = {"Name": "bedrock-reach-sim"}
    xml = {"vpcId": vpc["id"], "ownerId": sc["account"], "state": "available", "cidrBlock": vpc["cidrs"][0],
           "cidrBlockAssociationSet": v4, "ipv6CidrBlockAssociationSet": v6,
           "dhcpOptionsId": sc["dhcp_options"]["id"], "tagSet": tags(tagmap), "instanceTenancy": "default",
           "isDefault": False}
    fv = {"vpc-id": [vpc["id"]], "cidr": [vpc["cidrs"][0]], "cidr-block-association.cidr-block": vpc["cidrs"],
          "dhcp-options-id": [sc["dhcp_options"]["id"]], "state": ["available"], "is-default": ["false"],
          "owner-id": [sc["account"]], "ipv6-cidr-block-association.ipv6-cidr-block": vpc.get("ipv6_cidrs", [])}
    return [Res(vpc["id"], xml, fv, tagmap)]


def dhcp_options(sc):
    d = sc["dhcp_options"]
    conf = []
    if d.get("domain_name"):
        conf.append({"key": "domain-name", "valueSet": [{"value": d["domain_name"]}]})
    conf.append({"key": "domain-name-servers", "valueSet": [{"value": v} for v in d["domain_name_servers"]]})
    xml = {"dhcpOptionsId": d["id"], "ownerId": sc["account"], "dhcpConfigurationSet": conf, "tagSet": []}
    fv = {"dhcp-options-id": [d["id"]], "owner-id": [sc["account"]], "key": [c["key"] for c in conf],
          "value": [v["value"] for c in conf for v in c["valueSet"]]}
    return [Res(d["id"], xml, fv)]
