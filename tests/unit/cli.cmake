br_add_gtest(NAME cli_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/config_validation_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/terminal_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/logging_test.cpp)
