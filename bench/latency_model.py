"""Critical-path lower bounds of one `bedrock-reach check`, from the simulator's delay knobs.

D = dns.delay_ms (every Amazon-resolver reply), R = tls.first_flight_delay_ms (before each ServerHello of a
Bedrock listener; the EC2 API listener has no such delay), M = imds.delay_ms (every IMDS request),
A = ec2_api.delay_ms (every EC2 API request). Loopback round trips and all CPU work count as zero.

bound_code: the chains as the code schedules them (agent/check/check_run.cpp, probes/aws/imds.cpp,
probes/aws/topology_discovery.cpp, probes/dns/dns_probe.cpp, probes/tls/tls_probe.cpp,
core/http/curl_client.cpp), with a check run the way a user on EC2 runs it (no --region/AWS_REGION):
  IMDS   token PUT -> stage one (region, AZ, MAC list, role name, ... all at once) -> stage two (role
         credentials and per-MAC VPC facts, all at once): 3M. The credentials chain then needs no I/O.
  DNS    starts when placement/region has answered (IMDS stage one, 2M; at once with --region), then A
         and AAAA for every name on every resolver at once: D. The host path walks resolv.conf's search
         list itself and stops at the first name that answers, as getaddrinfo(AF_UNSPEC) does, so an
         AAAA NODATA beside an A answer costs nothing more. on_dns() fires once for the whole batch.
  TLS    per address, after DNS (the batch) and IMDS (credentials for the signed call): the unsigned
         request on a fresh connection (FRESH_CONNECT, pinned address) whose handshake waits R; the
         signed request then reuses that connection (no second handshake): R in all. All at once.
  EC2    after IMDS: curl (glibc getaddrinfo, A+AAAA in one round) resolves ec2.<region>.amazonaws.com through
         resolv.conf: D; level one (endpoints, route tables, NACL, subnet, SGs, VPC, VPC attributes at once):
         A; level two (ENIs, endpoint subnets/NACLs/SGs named by the endpoints; DHCP options named by the
         VPC): A.
  bound_code = max(max(2M + D, 3M) + R, 3M + D + 2A).

bound_min keeps only the semantic dependencies: names need the region (IMDS stage one, 2M); one DNS round;
the unsigned request needs only DNS; the signed one needs the unsigned reply (never send credentials to
something that is not AWS) and the credentials (3M), on the same connection; EC2 needs the credentials:
  bound_min = max(2M + D + R, 3M, 3M + D + 2A).
The gap between the two is what the agent leaves on the table by design choice, not by overhead.
"""


def chains_code(D, R, M, A):
    imds = 3 * M
    dns = 2 * M + D
    return {"imds": imds, "dns": dns, "tls": max(dns, imds) + R, "ec2": imds + D + 2 * A}


def bound_code_ms(D, R, M, A):
    c = chains_code(D, R, M, A)
    return max(c["tls"], c["ec2"])


def bound_min_ms(D, R, M, A):
    return max(2 * M + D + R, 3 * M, 3 * M + D + 2 * A)
