# The scriptable loopback HTTP/1.1 server (cpp-httplib) for integration tests; any fragment may
# include this and link br_fake_http.
include_guard(GLOBAL)
add_library(br_fake_http STATIC ${CMAKE_CURRENT_LIST_DIR}/fake_http_server.cpp)
target_include_directories(br_fake_http PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(br_fake_http PUBLIC httplib::httplib Threads::Threads PRIVATE br_options)
