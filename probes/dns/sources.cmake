# DNS probe: pure rules and parsers, plus the c-ares adapter (ares_channel.cpp, the only file
# that includes ares.h).
target_sources(br_probes PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/targets.cpp
  ${CMAKE_CURRENT_LIST_DIR}/resolv_conf.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hosts_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_message.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_answer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_probe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ares_channel.cpp)
