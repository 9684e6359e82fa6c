# The check's verdict (agent/check/assemble.cpp) as tables over hand-made facts: no network, no root.
br_add_gtest(NAME check_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/check_assemble_test.cpp)
