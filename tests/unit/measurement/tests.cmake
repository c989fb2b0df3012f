# Measurements files, latency statistics and quality metrics.
kenning_add_test(test_measurement
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_measurements.cpp ${CMAKE_CURRENT_LIST_DIR}/test_latency_stats.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_metrics.cpp ${CMAKE_CURRENT_LIST_DIR}/test_detection_metrics.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_measurement_keys.cpp
  LIBS kenning_measurement)
# Separate executables: the sampler test runs background threads for a while.
kenning_add_test(test_host_info SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_host_info.cpp LIBS kenning_measurement)
kenning_add_test(test_resource_sampler SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_resource_sampler.cpp
                 LIBS kenning_measurement)
# A fake NVML (two GPUs) the sampler loads through $KENNING_NVML_LIBRARY.
add_library(fake_nvml SHARED ${CMAKE_CURRENT_LIST_DIR}/fake_nvml.cpp)
add_dependencies(test_resource_sampler fake_nvml)
target_compile_definitions(test_resource_sampler PRIVATE FAKE_NVML_PATH="$<TARGET_FILE:fake_nvml>"
                                                         KENNING_WITH_NVML=$<BOOL:${KENNING_WITH_NVML}>)
