# TLS/HTTP reachability: pure rules and the probe.
target_sources(br_probes PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/tls_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_probe.cpp)
