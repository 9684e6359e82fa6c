"""Managed prefix lists: DescribeManagedPrefixLists and GetManagedPrefixListEntries.

Scenario: "prefix_lists": {KEY: {"id": "pl-...", "name": "...", "entries": [{"cidr": "...", "description": "..."}],
          "owner": "AWS" | "caller" | "vpc-owner" (default caller), "address_family": "IPv4", "max_entries": N,
          "version": N, "shared": bool (RAM-shared with the caller when the owner is another account)}}
Route destinations and SG rules name them by id ("dst": "pl-..." / "prefix_lists": ["pl-..."]).

Shapes: botocore/data/ec2/2016-11-15/service-2.json DescribeManagedPrefixListsResult (prefixListSet of
ManagedPrefixList: prefixListId, addressFamily, state, prefixListArn, prefixListName, maxEntries, version, tagSet,
ownerId) and GetManagedPrefixListEntriesResult (entrySet of PrefixListEntry: cidr, description; nextToken).
MaxResults of both: PrefixListMaxResults, 1..100. AWS-managed lists have ownerId "AWS" and an ARN with "aws" as the
account (e.g. arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a, the S3 list in aws-reference.md 4.5).
Filters (API reference DescribeManagedPrefixLists): owner-id, prefix-list-id, prefix-list-name.
"""
from .ec2model import Res, tags


def _owner(sc, pl):
    who = pl.get("owner", "caller")
    if who == "AWS":
        return "AWS"
    if who == "vpc-owner":
        return sc.get("vpc_owner") or sc["account"]
    return sc["account"]


def find(sc, pl_id):
    for pl in (sc.get("prefix_lists") or {}).values():
        if pl["id"] == pl_id:
            return pl
    return None


def cidrs(sc, pl_id):
    pl = find(sc, pl_id)
    return [e["cidr"] for e in pl.get("entries", [])] if pl else []


def managed_prefix_lists(sc):
    out = []
    for key, pl in (sc.get("prefix_lists") or {}).items():
        owner = _owner(sc, pl)
        arn_acct = "aws" if owner == "AWS" else owner
        tagmap = {"Name": pl["name"]} if owner != "AWS" else {}
        xml = {"prefixListId": pl["id"], "addressFamily": pl.get("address_family", "IPv4"),
               "state": pl.get("state", "create-complete"),
               "prefixListArn": "arn:aws:ec2:%s:%s:prefix-list/%s" % (sc["region"], arn_acct, pl["id"]),
               "prefixListName": pl["name"], "maxEntries": pl.get("max_entries", max(5, len(pl.get("entries", [])))),
               "version": pl.get("version", 1), "tagSet": tags(tagmap), "ownerId": owner}
        fv = {"owner-id": [owner], "prefix-list-id": [pl["id"]], "prefix-list-name": [pl["name"]]}
        res = Res(pl["id"], xml, fv, tagmap)
        res.shared = bool(pl.get("shared"))
        out.append(res)
    return out


def entries_doc(sc, params, visible_ids, api_error):
    """GetManagedPrefixListEntries body dict, or raise api_error(status, code, message)."""
    pl_id = params.get("PrefixListId")
    if not pl_id:
        raise api_error(400, "MissingParameter", "The request must contain the parameter PrefixListId")
    pl = find(sc, pl_id)
    if not pl or pl_id not in visible_ids:
        raise api_error(400, "InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist" % pl_id)
    mr = params.get("MaxResults")
    if mr is not None and (not mr.isdigit() or not 1 <= int(mr) <= 100):
        raise api_error(400, "InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. "
                        "Parameter must be between 1 and 100." % mr)
    items = [{"cidr": e["cidr"], "description": e.get("description")} for e in pl.get("entries", [])]
    start = int(params.get("NextToken") or 0) if (params.get("NextToken") or "0").isdigit() else 0
    size = int(mr) if mr else 100
    out = {"entrySet": items[start:start + size]}
    if start + size < len(items):
        out["nextToken"] = str(start + size)
    return out
