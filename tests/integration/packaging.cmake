# Packaging: .deb (and .rpm) content, control fields, lintian, the unpacked binary.
add_test(NAME packaging.deb
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/packaging_deb.sh ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR}
          ${PROJECT_VERSION})
set_tests_properties(packaging.deb PROPERTIES LABELS integration TIMEOUT 600)

find_program(BR_PYTHON3 python3 REQUIRED)
# The SSM Command document's script with stand-ins for bedrock-reach and the AWS CLI: output
# under Run Command's 24,000 characters, exit code passed through, JSON to S3 and CloudWatch Logs.
add_test(NAME packaging.ssm_document
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/ssm_document_check.py
          ${PROJECT_SOURCE_DIR}/packaging/ssm-document.json)
set_tests_properties(packaging.ssm_document PROPERTIES LABELS "unit" TIMEOUT 60)

# Kubernetes Job and DaemonSet (issue 16): parse, flags the binary accepts, pod network, unprivileged.
add_test(NAME packaging.kubernetes
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/kubernetes_manifests_check.py
          ${PROJECT_SOURCE_DIR} $<TARGET_FILE:bedrock-reach>)
set_tests_properties(packaging.kubernetes PROPERTIES LABELS integration TIMEOUT 60
                     SKIP_RETURN_CODE 77)
