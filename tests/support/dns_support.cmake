# DNS area test support (issue #4), included by tests/unit/dns.cmake and tests/integration/dns.cmake:
# the packet builder and fake server library, and a gtest helper linking only the probes library.
include_guard(GLOBAL)
add_library(br_dns_test_support STATIC
  ${CMAKE_CURRENT_LIST_DIR}/dns_packet.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fake_dns_server.cpp)
target_include_directories(br_dns_test_support PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(br_dns_test_support PUBLIC br::contracts PRIVATE br_options)

function(br_add_dns_gtest name label)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE br::probes br::contracts br_dns_test_support
    GTest::gmock_main br_options)
  target_compile_definitions(${name} PRIVATE BR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${label}" TIMEOUT 120)
endfunction()

