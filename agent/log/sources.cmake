target_sources(br_agent PRIVATE ${CMAKE_CURRENT_LIST_DIR}/logging.cpp)
