# The TLS test support sources (test CA, TLS server, CONNECT proxy, Bedrock fake, SigV4 checker),
# compiled into each test that lists ${BR_TLS_TEST_SUPPORT}.
include_guard(GLOBAL)
set(BR_TLS_TEST_SUPPORT
  ${CMAKE_CURRENT_LIST_DIR}/test_certs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connect_proxy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bedrock_fake.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sigv4_check.cpp)
