# The agent's machinery: in-process with a scripted check, and as a process (signals, sd_notify).
br_add_gtest(NAME daemon_integration_tests LABEL integration SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/daemon_agent_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/daemon_process_test.cpp)
# A bedrock-reach whose check is scripted by a file, so process tests never touch the network.
add_executable(daemon_test_agent ${CMAKE_CURRENT_LIST_DIR}/daemon_test_agent.cpp)
target_link_libraries(daemon_test_agent PRIVATE br::agent br_options)
add_dependencies(daemon_integration_tests daemon_test_agent)
target_compile_definitions(daemon_integration_tests PRIVATE
  BR_DAEMON_TEST_AGENT="$<TARGET_FILE:daemon_test_agent>")
