# core/: the epoll event loop, the HTTP concurrency limiter, the kernel IPv6 route reader; the address classifier of
# probes/classify (one rule table each).
br_add_gtest(NAME core_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/core_event_loop_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core_limited_client_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core_ipv6_routes_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/core_ca_store_test.cpp
  LIBS OpenSSL::SSL OpenSSL::Crypto)
br_add_gtest(NAME classify_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/classify_address_test.cpp)
