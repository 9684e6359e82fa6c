set(BR_TLS_TEST_SUPPORT
  ${CMAKE_CURRENT_LIST_DIR}/../support/test_certs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/tls_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/connect_proxy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/bedrock_fake.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/sigv4_check.cpp)
br_add_gtest(NAME tls_integration_tests LABEL integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_probe_test.cpp ${BR_TLS_TEST_SUPPORT}
  LIBS OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
br_add_gtest(NAME tls_bench LABEL bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_bench_test.cpp ${BR_TLS_TEST_SUPPORT}
  LIBS OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
