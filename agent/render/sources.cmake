target_sources(br_agent PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/render_util.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prometheus_render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/emf_render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/html_render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/path_picture.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audit_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audit_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audit_prometheus.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audit_html.cpp
  ${CMAKE_CURRENT_LIST_DIR}/output_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/progress.cpp)
