# Short soak (issue 10): agent at a 100 ms interval, faults toggling, RSS/descriptors and LSan.
# CI runs it on the ASan build (label soak); scripts/soak runs the full 10,000 checks.
find_program(BR_PYTHON3 python3 REQUIRED)
if(BR_SANITIZE)
  set(br_soak_margin 16)  # ASan's shadow memory and allocator caches move with the workload
else()
  set(br_soak_margin 2)
endif()
add_test(NAME soak.short
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/soak.py $<TARGET_FILE:bedrock-reach>
          --checks 300 --name soak-ctest --rss-margin-mib ${br_soak_margin})
set_tests_properties(soak.short PROPERTIES LABELS "soak" SKIP_RETURN_CODE 77 TIMEOUT 600)
