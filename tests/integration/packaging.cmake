# Packaging: .deb (and .rpm) content, control fields, lintian, the unpacked binary.
add_test(NAME packaging.deb
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/packaging_deb.sh ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR}
          ${PROJECT_VERSION})
set_tests_properties(packaging.deb PROPERTIES LABELS integration TIMEOUT 600)
