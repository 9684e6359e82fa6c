# Concurrency figures of single probes against in-process fakes (label bench): each prints its time
# against the injected delay and asserts only correctness, never a duration.
#   ctest --preset ci -L bench --output-on-failure -V
# Included from tests/CMakeLists.txt, which defines br_add_gtest.
include(${PROJECT_SOURCE_DIR}/tests/support/fake_http_support.cmake)
include(${PROJECT_SOURCE_DIR}/tests/support/tls_support.cmake)
include(${PROJECT_SOURCE_DIR}/tests/support/dns_support.cmake)
br_add_gtest(NAME aws_bench_tests LABEL bench SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/aws_discovery_bench_test.cpp
  LIBS br_fake_http)
br_add_dns_gtest(dns_bench bench ${CMAKE_CURRENT_LIST_DIR}/dns_bench_test.cpp)
br_add_gtest(NAME tls_bench LABEL bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_bench_test.cpp ${BR_TLS_TEST_SUPPORT}
  LIBS OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
