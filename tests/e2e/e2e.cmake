# End-to-end: every simulated-VPC scenario, the real binary inside the namespace. Needs root;
# skips (77) elsewhere. Each test owns its namespace (BRSIM_TREE_PREFIX + name, sim_env.cmake), so the
# scenarios run in parallel; RESOURCE_LOCK keeps two tests of one run off one namespace.
find_program(BR_PYTHON3 python3 REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/sim_env.cmake)
foreach(scenario healthy dual-stack throttled-api private-dns-off endpoint-missing az-gap
        sg-blocks-443 nacl-blocks-return endpoint-pending policy-denies-invoke
        custom-dns-not-forwarding proxy-env hosts-override no-iam-role imds-disabled
        tls-expired tls-wrong-name
        # issue 15: real estates ("SCENARIO@variant" runs SCENARIO with the variant's flags)
        shared-vpc no-ec2-endpoint scoped-policy scoped-policy@in-scope scoped-policy@out-of-scope
        scoped-policy@profile-arn
        fips pathed-role inspection-route prefix-lists prefix-lists-unnamed app-endpoint-url
        app-endpoint-config app-config-missing-services private-dns-off@endpoint-url-flag dual-stack-names
        # a centralised endpoint in a hub VPC (transit gateway, shared private hosted zone)
        hub-endpoint)
  add_test(NAME e2e.${scenario}
    COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/scenario_check.py $<TARGET_FILE:bedrock-reach> ${scenario})
  set_tests_properties(e2e.${scenario} PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 180
    RESOURCE_LOCK "sim-${scenario}")
  br_sim_test(e2e.${scenario})
endforeach()

# Issue 16: where applications run (a container one hop from IMDS, the application's credential
# sources, STS on the path, a skewed clock).
foreach(scenario container-hop-limit ecs-task-role eks-pod-identity irsa profile-assume-role
        sso-profile credential-process sts-unreachable clock-skew)
  add_test(NAME e2e.${scenario}
    COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/scenario_check.py $<TARGET_FILE:bedrock-reach> ${scenario})
  set_tests_properties(e2e.${scenario} PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 180
    RESOURCE_LOCK "sim-${scenario}")
  br_sim_test(e2e.${scenario})
endforeach()

# Issue 20: `audit`, every subnet of the VPC from one host, and its bound on EC2 reads.
foreach(scenario vpc-audit vpc-audit-500)
  add_test(NAME e2e.audit.${scenario}
    COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/audit_check.py $<TARGET_FILE:bedrock-reach> ${scenario})
  set_tests_properties(e2e.audit.${scenario} PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 240
    RESOURCE_LOCK "sim-${scenario}")
  br_sim_test(e2e.audit.${scenario})
endforeach()
# The endpoint policy judged per subnet (aws:VpcSourceIp as the subnet's range), and the host's check agreeing.
# Also audit --model in scoped-policy (its own instance, audit-models).
add_test(NAME e2e.audit.vpc-audit-policy
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/audit_policy_check.py $<TARGET_FILE:bedrock-reach>)
set_tests_properties(e2e.audit.vpc-audit-policy PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 240
  RESOURCE_LOCK "sim-vpc-audit-policy")
br_sim_test(e2e.audit.vpc-audit-policy)

add_test(NAME e2e.secrets
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/secrets_check.py $<TARGET_FILE:bedrock-reach>)
set_tests_properties(e2e.secrets PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 300
  RESOURCE_LOCK "sim-secrets")
br_sim_test(e2e.secrets)

add_test(NAME cli.bad_input_and_offline
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/cli_check.py $<TARGET_FILE:bedrock-reach>)
set_tests_properties(cli.bad_input_and_offline PROPERTIES LABELS "integration" SKIP_RETURN_CODE 77 TIMEOUT 180)
add_test(NAME cli.version COMMAND bedrock-reach --version)
set_tests_properties(cli.version PROPERTIES LABELS "unit" PASS_REGULAR_EXPRESSION "bedrock-reach ${PROJECT_VERSION}")
add_test(NAME cli.help COMMAND bedrock-reach --help)
set_tests_properties(cli.help PROPERTIES LABELS "unit" PASS_REGULAR_EXPRESSION "check.*agent.*config")

add_test(NAME e2e.agent
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/agent_check.py $<TARGET_FILE:bedrock-reach>)
set_tests_properties(e2e.agent PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 240
  RESOURCE_LOCK "sim-e2e-agent")
br_sim_test(e2e.agent)

if(BR_HARDENING)
  add_test(NAME hardening.binary COMMAND ${CMAKE_CURRENT_LIST_DIR}/hardening_check.sh $<TARGET_FILE:bedrock-reach>)
  set_tests_properties(hardening.binary PROPERTIES LABELS "unit")
endif()

add_test(NAME e2e.terminal_80_columns
  COMMAND ${BR_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/terminal_check.py $<TARGET_FILE:bedrock-reach>)
set_tests_properties(e2e.terminal_80_columns PROPERTIES LABELS "e2e" SKIP_RETURN_CODE 77 TIMEOUT 180
  RESOURCE_LOCK "sim-e2e-term80")

add_test(NAME cli.completions
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/completion_check.sh $<TARGET_FILE:bedrock-reach>)
set_tests_properties(cli.completions PROPERTIES LABELS "unit" TIMEOUT 60)
