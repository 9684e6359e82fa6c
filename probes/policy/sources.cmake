# Endpoint policy evaluation: pure IAM-policy-language engine.
target_sources(br_probes PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/policy_match.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_range.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy_eval.cpp)
