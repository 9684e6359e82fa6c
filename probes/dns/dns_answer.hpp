#pragma once
// Pure pieces of the DNS probe: turning one query's outcome into an answer, merging A and AAAA,
// parsing server strings, sizing timeouts to the deadline. Table-tested.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bedrock_reach/event_loop.hpp"
#include "dns/ares_channel.hpp"
#include "dns/dns_probe.hpp"

namespace bedrock_reach {

/// What one A or AAAA query said, from the mapped library status and the raw reply (which
/// wins when present: its rcode and records are the evidence).
ResolverAnswer interpret_query(const QueryResult& result, double elapsed_ms);

/// Merges the per-family answers into one: any addresses make it "ok"; otherwise the most
/// telling failure wins (nxdomain, servfail, refused, timeout, error, nodata).
ResolverAnswer merge_answers(const std::vector<ResolverAnswer>& parts);

/// The names getaddrinfo() asks for, in order, for `name` under resolv.conf's search list and
/// ndots (glibc res_search): a trailing dot means only the name; with at least `ndots` dots the
/// name goes first, then each search domain appended; with fewer, the search domains go first.
std::vector<std::string> search_candidates(const std::string& name,
                                           const std::vector<std::string>& search, int ndots);

/// Whether the host path moves on to the next search candidate after this merged answer
/// (glibc does after NXDOMAIN, NODATA and SERVFAIL; a timeout or other error ends the search).
bool search_continues_after(const ResolverAnswer& answer);

/// "10.0.0.2", "10.0.0.2:5353", "fd00:ec2::253", "[::1]:5353".
std::optional<DnsServerAddress> parse_dns_server(const std::string& text,
                                                 std::uint16_t default_port);

/// Per-try timeout such that all tries over all servers (c-ares doubles the timeout every round)
/// fit in
/// `remaining`, never above `wanted` and never below 50 ms.
Millis fit_timeout(Millis wanted, int tries, std::size_t servers, Millis remaining);

/// How long all tries over all servers take with `per_try` (c-ares 1.18 doubles the timeout
/// every round over the servers): servers * per_try * (2^tries - 1).
Millis planned_resolver_time(Millis per_try, int tries, std::size_t servers);

}  // namespace bedrock_reach
