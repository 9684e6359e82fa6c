# Proxy configuration (issue #7): environment parsing, NO_PROXY matching, findings. Pure.
target_sources(br_probes PRIVATE ${CMAKE_CURRENT_LIST_DIR}/proxy_config.cpp)
