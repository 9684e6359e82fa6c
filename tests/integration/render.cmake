# Runs scripts/validate-output (python3 + jsonschema, promtool, chromium) on rendered fixtures.
br_add_gtest(NAME render_integration_tests LABEL integration SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/render_validate_test.cpp)
