# Instance context and AWS topology (issue #5): pure parsers, request composition, credential
# chain. Samples live in tests/unit/aws_samples (copied from the validated aws-samples).
br_add_gtest(NAME aws_unit_tests LABEL unit SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/aws_ec2_parse_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_ec2_request_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_region_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_credentials_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_iam_policy_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_app_credentials_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/aws_sigv4_test.cpp
  LIBS nlohmann_json::nlohmann_json)
