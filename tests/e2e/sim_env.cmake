# Simulated-VPC tests of this build tree get BRSIM_TREE_PREFIX, a short hash of the build directory,
# which tests/e2e/simname.py puts in front of every instance (netns) name: ctest runs from different
# checkouts or build trees never share a namespace. $BRSIM_PREFIX, when set at test time, wins.
# Included by each simulated-VPC fragment; the fragment glob includes it too (include_guard).
include_guard(GLOBAL)
string(SHA1 br_tree_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${br_tree_hash}" 0 6 br_tree_hash)
set(BR_SIM_TREE_PREFIX "t${br_tree_hash}-")

# br_sim_test(NAME...): marks tests as simulated-VPC tests (the prefix above).
function(br_sim_test)
  set_property(TEST ${ARGN} APPEND PROPERTY ENVIRONMENT "BRSIM_TREE_PREFIX=${BR_SIM_TREE_PREFIX}")
endfunction()
