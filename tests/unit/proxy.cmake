br_add_gtest(NAME proxy_unit_tests LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/proxy_config_test.cpp)
