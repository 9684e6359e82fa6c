# Short soak (issue 10): agent at a 100 ms interval, faults toggling. On the ci build it holds RSS and
# descriptors to their warm baseline; on the ASan build LeakSanitizer judges (RSS only reported).
# scripts/soak runs the full 10,000 checks.
find_program(BR_PYTHON3 python3 REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/sim_env.cmake)
add_test(NAME soak.short
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/soak.py $<TARGET_FILE:bedrock-reach>
          --checks 300 --samples 2 --name soak-ctest --rss-margin-mib 4)
# Descriptors and RSS are read with the agent parked between checks (soak.py idle_sample), so the
# judgement does not depend on the machine's load: no RUN_SERIAL needed. Parked descriptors are exact
# (6 in 40 of 40 samples, issue 21); parked RSS moved up to 1.8 MiB between warm and end over 20 runs,
# so the margin is 4 MiB on the lower of the last two samples (mid and end).
set_tests_properties(soak.short PROPERTIES LABELS "soak" SKIP_RETURN_CODE 77 TIMEOUT 600
  RESOURCE_LOCK "sim-soak-ctest")
br_sim_test(soak.short)
