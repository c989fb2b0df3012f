# Our own ONNX interpreter (src/onnx_exec) and its runtime.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  # Loader errors and op semantics on models built here.
  kenning_add_test(test_onnx_exec
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec.cpp
    LIBS kenning_onnx_exec
    ATEN)
  # The buffer arena planned from tensor lifetimes.
  kenning_add_test(test_onnx_exec_arena
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_arena.cpp
    LIBS kenning_onnx_exec
    ATEN)
  # Load-time fusion of Conv + BatchNormalization + activation.
  kenning_add_test(test_onnx_exec_fusion
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_fusion.cpp
    LIBS kenning_onnx_exec kenning_onnx
    ATEN)
  # The direct oneDNN convolution path against at::conv2d (skips without oneDNN).
  kenning_add_test(test_onnx_exec_onednn_conv
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_onednn_conv.cpp
    LIBS kenning_onnx_exec kenning_onnx
    ATEN)
  # Quantization ops, Resize and ConvTranspose on graphs built with OnnxGraphBuilder.
  kenning_add_test(test_onnx_exec_quant
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_quant.cpp
    LIBS kenning_onnx_exec kenning_onnx
    ATEN)
  # QDQ-quantized models: load-time QDQ fusion and the int8 kernels against
  # the op-by-op run.
  kenning_add_test(test_onnx_exec_qdq
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_qdq.cpp
    LIBS kenning_onnx_exec kenning_onnx
    ATEN)
  # ONNX's node test suite (skips without Debian's libonnx-testdata).
  kenning_add_test(test_onnx_exec_conformance
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_exec_conformance.cpp
    LIBS kenning_onnx_exec
    ATEN)
endif()
