# The shipped Prometheus rules: syntax (promtool check rules) and behaviour (promtool test rules).
# Skips (77) where promtool is not installed.
add_test(NAME monitoring.promtool_rules
  COMMAND sh -c "command -v promtool >/dev/null || exit 77; promtool check rules bedrock-reach.rules.yml && promtool test rules bedrock-reach.rules.test.yml"
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/monitoring/prometheus)
set_tests_properties(monitoring.promtool_rules PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77 TIMEOUT 60)
