# Runtime tests, plus the host-context and resource-sampler tests of core.
# (The latter are guarded in case tests/unit/core.cmake adopts them.)
if(NOT TARGET test_host_info)
  kenning_add_test(test_host_info SOURCES unit/test_host_info.cpp LIBS kenning_core)
endif()
if(NOT TARGET test_resource_sampler)
  kenning_add_test(test_resource_sampler SOURCES unit/test_resource_sampler.cpp LIBS kenning_core)
endif()

# The OpenCV test writes its models with libonnx's protobuf classes.
if(KENNING_WITH_OPENCV AND KENNING_WITH_ONNX)
  kenning_add_test(test_opencv_runtime
    SOURCES unit/test_opencv_runtime.cpp
    LIBS kenning_runtimes opencv_core opencv_dnn onnx_proto)
endif()
