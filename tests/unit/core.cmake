kenning_add_test(test_core
  SOURCES unit/test_params.cpp unit/test_scenario.cpp unit/test_registry.cpp unit/test_io_spec.cpp unit/test_npy.cpp
          unit/test_tensor.cpp unit/test_measurements.cpp unit/test_latency_stats.cpp unit/test_float16.cpp
  LIBS kenning_core)
# Separate executables: the sampler test runs background threads for a while.
kenning_add_test(test_host_info SOURCES unit/test_host_info.cpp LIBS kenning_core)
kenning_add_test(test_resource_sampler SOURCES unit/test_resource_sampler.cpp LIBS kenning_core)
# A fake NVML (two GPUs) the sampler loads through $KENNING_NVML_LIBRARY.
add_library(fake_nvml SHARED unit/fake_nvml.cpp)
add_dependencies(test_resource_sampler fake_nvml)
target_compile_definitions(test_resource_sampler PRIVATE FAKE_NVML_PATH="$<TARGET_FILE:fake_nvml>"
                                                         KENNING_WITH_NVML=$<BOOL:${KENNING_WITH_NVML}>)
# Markdown reports from measurements files.
kenning_add_test(test_reports SOURCES unit/test_reports.cpp LIBS kenning_reports)
# Whole reports on disk: gnuplot figures, HTML, summary, failures.
kenning_add_test(test_report_writer SOURCES unit/test_report_writer.cpp LIBS kenning_reports)
# Every registered class: declarations complete, parameters round-trip.
kenning_add_test(test_conformance SOURCES unit/test_conformance.cpp LIBS kenning_plugins)
