# libFuzzer targets for the HTTP API's parsers (included from tests/fuzz/CMakeLists.txt,
# after its clang check; uses its _fuzz_flags). The server's parser sources are compiled
# into each target so they carry coverage instrumentation.
set(_http_fuzz_sources
  ${PROJECT_SOURCE_DIR}/server/src/form.cpp
  ${PROJECT_SOURCE_DIR}/server/src/routes.cpp
  ${PROJECT_SOURCE_DIR}/server/src/twilio_signature.cpp
  ${PROJECT_SOURCE_DIR}/server/src/crypto.cpp)
foreach(_target fuzz_http_form fuzz_http_json)
  add_executable(${_target} ${CMAKE_CURRENT_LIST_DIR}/${_target}.cpp ${_http_fuzz_sources})
  target_include_directories(${_target} PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${PROJECT_SOURCE_DIR}/server/src)
  target_link_libraries(${_target} PRIVATE msgcenter_server)
  target_compile_options(${_target} PRIVATE ${_fuzz_flags} ${MSGCENTER_WARNINGS})
  target_link_options(${_target} PRIVATE ${_fuzz_flags})
endforeach()
