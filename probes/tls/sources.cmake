# TLS/HTTP reachability (issue #7): pure rules, the probe, bounded concurrency, IPv6 check.
target_sources(br_probes PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/tls_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_probe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ipv6_connectivity.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../http/limited_client.cpp)
