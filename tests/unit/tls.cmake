br_add_gtest(NAME tls_unit_tests LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_rules_test.cpp)
