# The libtorch module (src/modules/torch/): found beside the program, loaded
# on first use only. The test binary itself must not link libtorch.
if(TARGET kenning_torch)
  kenning_add_test(test_torch_module
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_torch_module.cpp
    LIBS kenning_runtimes kenning_torch_client)
endif()

# The OpenCV I/O module (src/modules/opencv_io/): the same, for OpenCV's video,
# codec and GUI libraries. The test binary itself must not link them.
if(TARGET kenning_opencv_io)
  kenning_add_test(test_opencv_io_module
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_opencv_io_module.cpp
    LIBS kenning_dataproviders opencv_core)
endif()
