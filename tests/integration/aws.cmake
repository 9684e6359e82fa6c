# Instance context and AWS topology (issue #5) against in-process loopback HTTP fakes: IMDS
# token and retries, EC2 signing, retries, backoff, paging, timeouts, discovery.
include(${CMAKE_CURRENT_LIST_DIR}/../support/fake_http_support.cmake)
br_add_gtest(NAME aws_integration_tests LABEL integration SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/aws_imds_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_ec2_client_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_discovery_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_kept_connections_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/sigv4_check.cpp
  LIBS br_fake_http OpenSSL::Crypto)
