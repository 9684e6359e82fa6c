"""Who owns what, and what the calling account sees: the participant's view of a shared VPC.

Scenario keys (all optional; without them every resource belongs to `account`, as before):
  "vpc_owner": "111111111111"       the account that owns the VPC, its subnets, route tables, NACLs, DHCP options
                                     and (unless an endpoint says "owner": "caller") the interface endpoints
  "shared_subnets": ["a", "b"]      subnets shared with the caller (default: all)
  "participant_view": {"route_tables": true, "network_acls": true, "dhcp_options": true, "owner_enis": false}
  endpoints.X.owner, security_groups.X.owner: "caller" | "vpc-owner"

`account` stays the caller: the instance's account (identity document, role ARN, the ENI of the instance).

What AWS documents (VPC user guide):
* https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html: "Participants cannot view, modify, or delete
  resources that belong to other participants or the VPC owner." -> the owner's interface endpoints
  (DescribeVpcEndpoints), the owner's security groups and the owner's network interfaces (the endpoint ENIs are
  created in the owner's account) are not returned to a participant; asking for them by id gives *.NotFound.
* https://docs.aws.amazon.com/vpc/latest/userguide/example-vpc-share.html: a participant sees the subnets shared
  with it, with the owner's account id as owner ("The owner account ID is Account A (111111111111), not Account D").
  "Each account can only see ... the subnets that are shared with them."
* https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html: owners are responsible for "subnets,
  route tables, network ACLs, ..., interface endpoints"; participants create "network interfaces and security groups".
INFERENCE (not written by AWS, hence knobs): the VPC itself, its route tables, network ACLs and DHCP options stay
readable by participants with the owner's ownerId (the console shows the shared VPC and its route table); a
scenario can hide them with participant_view.
"""

DEFAULT_VIEW = {"route_tables": True, "network_acls": True, "dhcp_options": True, "owner_enis": False}


def owner_account(sc):
    return sc.get("vpc_owner") or sc["account"]


def is_shared(sc):
    return owner_account(sc) != sc["account"]


def _endpoint_owner(sc, ep):
    return sc["account"] if ep.get("owner") == "caller" else owner_account(sc)


def _sg_owner(sc, sg_id):
    inst_sgs = set(sc["instance"].get("security_group_ids") or [])
    for sg in sc["security_groups"].values():
        if sg["id"] == sg_id:
            who = sg.get("owner") or ("caller" if sg_id in inst_sgs else "vpc-owner")
            return sc["account"] if who == "caller" else owner_account(sc)
    return owner_account(sc)


def resource_owner(sc, action, res):
    """The account that owns one Describe result."""
    if action == "DescribeVpcEndpoints":
        for ep in list(sc["endpoints"].values()) + list((sc.get("appliance_endpoints") or {}).values()):
            if ep["id"] == res.id:
                return _endpoint_owner(sc, ep)
        return owner_account(sc)
    if action == "DescribeNetworkInterfaces":
        if res.id == sc["instance"]["eni"]:
            return sc["account"]
        for e in sc["enis"]:
            if e["id"] == res.id:
                return _endpoint_owner(sc, sc["endpoints"][e["service"]])
        return owner_account(sc)
    if action == "DescribeSecurityGroups":
        return _sg_owner(sc, res.id)
    if action == "DescribeManagedPrefixLists":
        return res.xml.get("ownerId")
    return owner_account(sc)


def _visible(sc, action, res, owner):
    if owner in (sc["account"], "AWS"):
        return True
    view = dict(DEFAULT_VIEW, **(sc.get("participant_view") or {}))
    if action == "DescribeVpcs":
        return True
    if action == "DescribeSubnets":
        shared = sc.get("shared_subnets")
        ids = {sc["subnets"][k]["id"] for k in shared} if shared else None
        return ids is None or res.id in ids
    if action == "DescribeRouteTables":
        return view["route_tables"]
    if action == "DescribeNetworkAcls":
        return view["network_acls"]
    if action == "DescribeDhcpOptions":
        return view["dhcp_options"]
    if action == "DescribeNetworkInterfaces":
        return view["owner_enis"]
    if action == "DescribeManagedPrefixLists":
        return bool(getattr(res, "shared", False))  # RAM-shared prefix lists: "Consumers can view the entries" (sharing-perms)
    return False  # DescribeVpcEndpoints, DescribeSecurityGroups: the owner's resources are not visible


def _restamp(res, action, owner, caller):
    """Owner ids inside the XML: ownerId, ARNs that embed the account, filter values."""
    xml = res.xml
    if "ownerId" in xml:
        xml["ownerId"] = owner
    for key in ("subnetArn", "securityGroupArn"):
        if key in xml and xml[key]:
            parts = xml[key].split(":")
            parts[4] = owner
            xml[key] = ":".join(parts)
    if "owner-id" in res.fv:
        res.fv["owner-id"] = [owner]
    if action == "DescribeNetworkInterfaces" and xml.get("requesterManaged"):
        # The endpoint ENI is created in the endpoint owner's account; AWS is the requester.
        xml["ownerId"] = owner


def view(sc, action, items):
    """Describe results as the calling account sees them (ownerIds set, invisible resources removed)."""
    if not is_shared(sc) and not any(ep.get("owner") for ep in sc["endpoints"].values()):
        return items
    out = []
    for res in items:
        owner = resource_owner(sc, action, res)
        if not _visible(sc, action, res, owner):
            continue
        if owner != "AWS":
            _restamp(res, action, owner, sc["account"])
        out.append(res)
    return out
