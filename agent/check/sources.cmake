target_sources(br_agent PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/check_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/assemble.cpp)
