# The target's session loop (src/server) over in-memory transports.
kenning_add_test(test_inference_server SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_inference_server.cpp
                 LIBS kenning_server kenning_protocols)
