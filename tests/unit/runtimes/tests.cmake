# Runtime tests, one executable per backend, each only when it was built in.

# The OpenCV test writes its models with libonnx's protobuf classes.
if(KENNING_WITH_OPENCV AND KENNING_WITH_ONNX)
  kenning_add_test(test_opencv_runtime
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_opencv_runtime.cpp
    LIBS kenning_runtimes opencv_core opencv_dnn onnx_proto)
endif()

# TorchScript: exports the committed CNN weights and compares PyTorchRuntime
# with libtorch (and, when built, OpenCVRuntime on the committed ONNX).
if(KENNING_WITH_TORCH)
  kenning_add_test(test_torchscript_runtime
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_torchscript_runtime.cpp
    LIBS kenning_runtimes_torch kenning_nets_torch kenning_modelwrappers kenning_datasets)
endif()

# ONNXExecRuntime on the project's model, against OpenCVRuntime when built.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_onnx_exec_runtime
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_runtime.cpp
    LIBS kenning_runtimes_torch)
endif()

# Every available runtime in the registry against ONNXExecRuntime on the
# committed CNN and real Fashion-MNIST test images (the reference needs both).
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_runtime_agreement
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_runtime_agreement.cpp
    LIBS kenning_plugins)
endif()
