# AWS access: IMDSv2, the credential chain, the EC2 Query API client (SigV4 through libcurl),
# pure XML parsers, concurrent topology discovery and the partition table.
target_sources(br_probes PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/region.cpp
  ${CMAKE_CURRENT_LIST_DIR}/imds_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/imds.cpp
  ${CMAKE_CURRENT_LIST_DIR}/credentials_chain.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec2_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec2_request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec2_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/topology_discovery.cpp
  ${CMAKE_CURRENT_LIST_DIR}/clock_skew.cpp
  ${CMAKE_CURRENT_LIST_DIR}/clock_observer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runtime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/credential_plan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/credential_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/credential_fetch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sigv4.cpp)
