# What the subcommands run (src/scenarios) beyond the end-to-end tests.
kenning_add_test(test_onnx_conversion
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_conversion.cpp
  LIBS kenning_scenarios)
kenning_add_test(test_test_mode
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_test_mode.cpp
  LIBS kenning_scenarios)
kenning_add_test(test_upstream_blocks
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_upstream_blocks.cpp
  LIBS kenning_scenarios)
