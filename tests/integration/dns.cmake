# DNS probe against the in-process scripted server (issue #4).
include(${CMAKE_CURRENT_LIST_DIR}/../support/dns_support.cmake)
br_add_dns_gtest(dns_integration_tests integration
  ${CMAKE_CURRENT_LIST_DIR}/dns_probe_test.cpp)
