kenning_add_test(test_core
  SOURCES unit/test_params.cpp unit/test_scenario.cpp unit/test_registry.cpp unit/test_io_spec.cpp
          unit/test_tensor.cpp unit/test_measurements.cpp
  LIBS kenning_core)
