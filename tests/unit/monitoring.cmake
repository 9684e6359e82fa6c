br_add_gtest(NAME monitoring_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/monitoring_test.cpp)
