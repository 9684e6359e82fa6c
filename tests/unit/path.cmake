# Path analysis: routes (LPM, randomized against brute force), SGs, NACLs, endpoint checks,
# service path verdicts and cause links.
br_add_gtest(NAME path_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/path_route_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_sg_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_nacl_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_service_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_causes_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_subnet_audit_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_subnet_policy_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_inference_test.cpp)
