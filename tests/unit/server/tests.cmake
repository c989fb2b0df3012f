# The target's session loop (src/server) over in-memory transports.
kenning_add_test(test_inference_server SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_inference_server.cpp
                 LIBS kenning_server kenning_protocols)
# Wire compatibility with upstream Kenning: recorded sessions
# (tests/data/upstream-interop/) replayed against our target (PyTorchRuntime,
# skipped without libtorch) and our host (a fake target serving the recording).
kenning_add_test(test_upstream_replay
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_upstream_replay_target.cpp ${CMAKE_CURRENT_LIST_DIR}/test_upstream_replay_host.cpp
  LIBS kenning_server kenning_protocols kenning_scenarios kenning_plugins)
