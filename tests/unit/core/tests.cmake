# The object model: parameters, scenarios, registry, I/O specs, tensors, npy.
kenning_add_test(test_core
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_params.cpp ${CMAKE_CURRENT_LIST_DIR}/test_scenario.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_registry.cpp ${CMAKE_CURRENT_LIST_DIR}/test_io_spec.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_npy.cpp ${CMAKE_CURRENT_LIST_DIR}/test_tensor.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_float16.cpp ${CMAKE_CURRENT_LIST_DIR}/test_file_io.cpp
  LIBS kenning_core)
