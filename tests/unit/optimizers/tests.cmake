# Optimizers (src/optimizers), each test only when its backend was built in.

# ONNX graph passes and float16 compression, checked with onnx_exec's executor.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  set(_opt_libs kenning_plugins kenning_optimizers kenning_onnx_exec kenning_onnx kenning_modelwrappers)
  if(KENNING_WITH_OPENCV)
    list(APPEND _opt_libs opencv_core opencv_dnn)
  endif()
  kenning_add_test(test_onnx_optimizers
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_optimizers.cpp
    LIBS ${_opt_libs}
    ATEN)
endif()

# TorchScript freeze + optimize_for_inference on the project's CNN.
if(KENNING_WITH_TORCH)
  kenning_add_test(test_torchscript_optimizer
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_torchscript_optimizer.cpp
    LIBS kenning_plugins kenning_optimizers_torch ${TORCH_LIBRARIES}
    ATEN)
endif()

# Static int8 quantization calibrated on the real Fashion-MNIST data.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_onnx_int8_quantizer
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_int8_quantizer.cpp
    LIBS kenning_plugins kenning_scenarios kenning_optimizers kenning_onnx_exec kenning_onnx kenning_modelwrappers
    ATEN)
endif()

# Magnitude pruning with fine-tuning of the libtorch CNN.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_pytorch_pruning
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pytorch_pruning.cpp
    LIBS kenning_plugins kenning_scenarios kenning_optimizers kenning_onnx_exec kenning_onnx
    LABELS unit slow
    ATEN)
endif()
