# systemd units: verify, offline security exposure <= 2.0, required settings.
add_test(NAME systemd.units
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/systemd_units.sh ${PROJECT_SOURCE_DIR} $<TARGET_FILE:bedrock-reach>)
set_tests_properties(systemd.units PROPERTIES LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 120)
