# Runtime tests, one executable per backend, each only when it was built in.

# The OpenCV test writes its models with libonnx's protobuf classes.
if(KENNING_WITH_OPENCV AND KENNING_WITH_ONNX)
  kenning_add_test(test_opencv_runtime
    SOURCES unit/test_opencv_runtime.cpp
    LIBS kenning_runtimes opencv_core opencv_dnn onnx_proto)
endif()

# TorchScript: exports the committed CNN weights and compares PyTorchRuntime
# with libtorch (and, when built, OpenCVRuntime on the committed ONNX).
if(KENNING_WITH_TORCH)
  kenning_add_test(test_torchscript_runtime
    SOURCES unit/test_torchscript_runtime.cpp
    LIBS kenning_runtimes kenning_modelwrappers kenning_datasets)
endif()
