# One libFuzzer target per parser family. In ordinary builds each links a replay main and runs
# its corpus as a ctest test (label fuzz-replay); with BR_FUZZ=ON (clang, scripts/fuzz) it links
# libFuzzer instead. corpus/campaign-TARGET is the merged (-merge=1) corpus of the 10-minute runs.
option(BR_FUZZ "Build libFuzzer targets (needs clang)" OFF)
set(BR_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

function(br_add_fuzz_target name)
  set(corpora ${ARGN})
  add_executable(fuzz_${name} ${BR_FUZZ_DIR}/targets/fuzz_${name}.cpp)
  target_link_libraries(fuzz_${name} PRIVATE br::agent br::probes br::contracts br_options)
  if(BR_FUZZ)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(fuzz_${name} PRIVATE ${BR_FUZZ_DIR}/replay_main.cpp)
    set(dirs "")
    foreach(corpus ${corpora})
      list(APPEND dirs ${BR_FUZZ_DIR}/corpus/${corpus})
    endforeach()
    add_test(NAME fuzz-replay.${name} COMMAND fuzz_${name} ${dirs})
    set_tests_properties(fuzz-replay.${name} PROPERTIES LABELS "fuzz-replay" TIMEOUT 120)
  endif()
endfunction()

br_add_fuzz_target(ec2_xml ec2_describe_vpc_endpoints ec2_describe_network_interfaces
  ec2_describe_route_tables ec2_describe_security_groups ec2_describe_network_acls
  ec2_describe_subnets ec2_describe_vpcs ec2_describe_vpc_attribute ec2_describe_dhcp_options ec2_error
  ec2_describe_managed_prefix_lists
  campaign-ec2_xml)
br_add_fuzz_target(imds imds_role_credentials imds_text campaign-imds)
br_add_fuzz_target(policy policy campaign-policy)
br_add_fuzz_target(config config campaign-config)
br_add_fuzz_target(resolver_files resolv_conf hosts_file nsswitch campaign-resolver_files)
br_add_fuzz_target(proxy_env proxy_env campaign-proxy_env)
br_add_fuzz_target(dns_reply dns_reply campaign-dns_reply)
br_add_fuzz_target(http_reply http_reply campaign-http_reply)
br_add_fuzz_target(aws_profile aws_profile_ini campaign-aws_profile)
br_add_fuzz_target(credentials credentials)
br_add_fuzz_target(ca_store ca_store)
