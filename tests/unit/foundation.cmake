br_add_gtest(NAME foundation_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/ip_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/severity_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog_doc_test.cpp)
