# DNS area unit tables (issue #4).
include(${CMAKE_CURRENT_LIST_DIR}/../support/dns_support.cmake)
br_add_dns_gtest(dns_unit_tests unit
  ${CMAKE_CURRENT_LIST_DIR}/dns_targets_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_resolv_conf_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_hosts_file_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_message_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_answer_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_rules_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_corpus_test.cpp)
