target_sources(br_probes PRIVATE ${CMAKE_CURRENT_LIST_DIR}/address_class.cpp)
