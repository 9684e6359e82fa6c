# Fault matrix (issue 10): every simulator fault, one ctest each (faults.CASE). The case list lives
# in fault_matrix.py. Needs root; skips (77) elsewhere. CI runs these on the ASan build only.
find_program(BR_PYTHON3 python3 REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/sim_env.cmake)
execute_process(COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/fault_matrix.py - --list
  OUTPUT_VARIABLE br_fault_cases OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
string(REPLACE "\n" ";" br_fault_cases "${br_fault_cases}")
foreach(case IN LISTS br_fault_cases)
  add_test(NAME faults.${case}
    COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/fault_matrix.py $<TARGET_FILE:bedrock-reach> ${case})
  set_tests_properties(faults.${case} PROPERTIES LABELS "faults" SKIP_RETURN_CODE 77 TIMEOUT 200
    RESOURCE_LOCK "sim-fm-${case}")
  br_sim_test(faults.${case})
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fault_matrix.py)
