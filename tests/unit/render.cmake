br_add_gtest(NAME render_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/render_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/output_file_test.cpp)
