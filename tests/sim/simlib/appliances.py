"""Inspection appliances in the route path: Gateway Load Balancer endpoints and AWS Network Firewall endpoints.

Scenario: "appliance_endpoints": {KEY: {"id": "vpce-...", "kind": "gwlb" | "network-firewall", "subnet": KEY,
          "ip": "10.0.4.90", "service_id": "vpce-svc-...", "owner": "caller" | "vpc-owner"}}
A route "target": "vpce-..." naming one of them sends traffic to the appliance; the data plane (dataplane.py) then
continues with the route table of the appliance's subnet.

What AWS documents:
* botocore's Route shape has no VPC-endpoint member; the EC2 API reports a route to a GWLB endpoint in gatewayId
  (botocore/data/ec2/2016-11-15/service-2.json, Route: gatewayId "The ID of a gateway attached to your VPC";
  CreateRoute takes VpcEndpointId "Supported for Gateway Load Balancer endpoints only" - the Firewall Manager
  EC2CreateRouteAction doc says the same).
* VpcEndpoint.vpcEndpointType enum: Interface | Gateway | GatewayLoadBalancer | Resource | ServiceNetwork.
* Network Firewall: "The identifier of the firewall endpoint that Network Firewall has instantiated in the subnet.
  You use this to identify the firewall endpoint in the VPC route tables" (networkfirewall Attachment.EndpointId,
  https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-route-tables.html). A firewall
  endpoint is a GWLB endpoint that the service creates and manages: requesterManaged true, service name of an
  AWS-owned endpoint service (com.amazonaws.vpce.REGION.vpce-svc-...).
* Endpoint ENIs of GWLB endpoints have interfaceType gateway_load_balancer_endpoint (NetworkInterfaceType enum).
GWLB endpoints take no security groups, no policy and no private DNS.
"""
from .ec2model import CREATED, Res, _eni_fv, _eni_xml, tags
from .scenario import _mac, hid


def endpoints(sc):
    out = []
    for key, ap in (sc.get("appliance_endpoints") or {}).items():
        sub = sc["subnets"][ap["subnet"]]
        nfw = ap.get("kind") == "network-firewall"
        tagmap = {"Name": key} if not nfw else {"Firewall": ap.get("firewall_name", "inspection-fw"),
                                                   "AWSNetworkFirewallManaged": "true"}
        svc = "com.amazonaws.vpce.%s.%s" % (sc["region"], ap.get("service_id") or hid("vpce-svc", key))
        xml = {"vpcEndpointId": ap["id"], "vpcEndpointType": "GatewayLoadBalancer", "vpcId": sc["vpc"]["id"],
               "serviceName": svc, "state": ap.get("state", "available"), "routeTableIdSet": [],
               "subnetIdSet": [sub["id"]], "groupSet": [], "ipAddressType": "ipv4",
               "privateDnsEnabled": False, "requesterManaged": nfw, "networkInterfaceIdSet": [eni_id(ap)],
               "dnsEntrySet": [], "creationTimestamp": CREATED, "tagSet": tags(tagmap), "ownerId": sc["account"]}
        fv = {"service-name": [svc], "vpc-id": [sc["vpc"]["id"]], "vpc-endpoint-id": [ap["id"]],
              "vpc-endpoint-state": [xml["state"]], "vpc-endpoint-type": ["GatewayLoadBalancer"],
              "ip-address-type": ["ipv4"], "service-region": [sc["region"]]}
        out.append(Res(ap["id"], xml, fv, tagmap))
    return out


def eni_id(ap):
    return ap.get("eni") or hid("eni", "appliance/" + ap["id"])


def network_interfaces(sc):
    out = []
    for key, ap in (sc.get("appliance_endpoints") or {}).items():
        sub = sc["subnets"][ap["subnet"]]
        att = {"attachmentId": hid("ela-attach", ap["id"]), "deviceIndex": 1, "networkCardIndex": 0,
               "instanceOwnerId": "amazon-aws", "status": "attached", "attachTime": "2026-01-05T08:00:03.000Z",
               "deleteOnTermination": False}
        xml = _eni_xml(sc, eni_id(ap), sub, "VPC Endpoint Interface " + ap["id"], True, _mac(ap["id"]), ap["ip"],
                       None, [], att, "gateway_load_balancer_endpoint", requester="727180483921")
        out.append(Res(eni_id(ap), xml, _eni_fv(sc, xml, sub, "gateway_load_balancer_endpoint", None)))
    return out


def extra(sc, action):
    """Additional Describe results for the appliances (empty for other actions)."""
    if action == "DescribeVpcEndpoints":
        return endpoints(sc)
    if action == "DescribeNetworkInterfaces":
        return network_interfaces(sc)
    return []


def find(sc, vpce_id):
    for ap in (sc.get("appliance_endpoints") or {}).values():
        if ap["id"] == vpce_id:
            return ap
    return None
