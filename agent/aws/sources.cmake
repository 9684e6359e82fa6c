# Instance context and AWS topology (issue #5): IMDSv2, credential chain, EC2 Query API client,
# pure XML parsers and concurrent topology discovery.
target_sources(br_agent PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/partition.cpp
  ${CMAKE_CURRENT_LIST_DIR}/imds_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/imds.cpp
  ${CMAKE_CURRENT_LIST_DIR}/credentials_chain.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec2_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec2_request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec2_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/topology_discovery.cpp)
target_link_libraries(br_agent PRIVATE pugixml::pugixml)
