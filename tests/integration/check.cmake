# A whole check in process (CheckRun on one loop) against the loopback fakes: IMDS, EC2, DNS and
# a SigV4-verifying Bedrock behind TLS. No root needed.
include(${CMAKE_CURRENT_LIST_DIR}/../support/fake_http_support.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/../support/dns_support.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/../support/tls_support.cmake)
br_add_gtest(NAME check_integration_tests LABEL integration SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/check_run_test.cpp
  ${BR_TLS_TEST_SUPPORT}
  LIBS br_fake_http br_dns_test_support OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
