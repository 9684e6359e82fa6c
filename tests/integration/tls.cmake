include(${CMAKE_CURRENT_LIST_DIR}/../support/tls_support.cmake)
br_add_gtest(NAME tls_integration_tests LABEL integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_probe_test.cpp ${BR_TLS_TEST_SUPPORT}
  LIBS OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
include(${CMAKE_CURRENT_LIST_DIR}/../support/fake_http_support.cmake)
br_add_gtest(NAME http_integration_tests LABEL integration
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/http_large_body_test.cpp
  LIBS br_fake_http Threads::Threads)
