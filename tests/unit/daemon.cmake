br_add_gtest(NAME daemon_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/daemon_health_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/daemon_state_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/daemon_docs_test.cpp)
