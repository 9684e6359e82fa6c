# `audit` (issue 20): the audit's verdict (agent/audit/audit_assemble.cpp) and its renderers over
# hand-made facts: no network, no root.
br_add_gtest(NAME audit_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/audit_assemble_test.cpp)
