# Path analysis: pure rule engines (routes, security groups, NACLs, endpoint checks, cause links).
target_sources(br_probes PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/route_lookup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sg_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/nacl_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/endpoint_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/causes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/subnet_audit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/endpoint_inference.cpp)
