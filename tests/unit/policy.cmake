# Endpoint policy evaluation: table tests, AWS documentation samples, corpus replay.
br_add_gtest(NAME policy_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/policy_eval_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_match_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_range_test.cpp)
