# ONNX tools that need no runtime: FLOP counting from graph shapes.
if(KENNING_WITH_ONNX)
  kenning_add_test(test_onnx_flops SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_flops.cpp LIBS kenning_onnx)
endif()
