# Short soak (issue 10): agent at a 100 ms interval, faults toggling. On the ci build it holds RSS and
# descriptors to their warm baseline; on the ASan build LeakSanitizer judges (RSS only reported).
# scripts/soak runs the full 10,000 checks.
find_program(BR_PYTHON3 python3 REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/sim_env.cmake)
add_test(NAME soak.short
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/soak.py $<TARGET_FILE:bedrock-reach>
          --checks 300 --name soak-ctest --rss-margin-mib 2)
# Descriptors and RSS are read with the agent parked between checks (soak.py idle_sample), so the
# judgement does not depend on the machine's load: no RUN_SERIAL needed.
set_tests_properties(soak.short PROPERTIES LABELS "soak" SKIP_RETURN_CODE 77 TIMEOUT 600
  RESOURCE_LOCK "sim-soak-ctest")
br_sim_test(soak.short)
