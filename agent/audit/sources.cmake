# `audit` (issue 20): every subnet of a VPC judged from one host.
target_sources(br_agent PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/audit_assemble.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audit_run.cpp)
