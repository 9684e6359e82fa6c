# The health-check service (issue #9): scheduler, endpoints, sd_notify, signals.
target_sources(br_agent PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/agent.cpp
  ${CMAKE_CURRENT_LIST_DIR}/agent_log.cpp
  ${CMAKE_CURRENT_LIST_DIR}/agent_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/health.cpp
  ${CMAKE_CURRENT_LIST_DIR}/notify.cpp
  ${CMAKE_CURRENT_LIST_DIR}/signals.cpp
  ${CMAKE_CURRENT_LIST_DIR}/status_server.cpp)
target_link_libraries(br_agent PUBLIC httplib::httplib)
