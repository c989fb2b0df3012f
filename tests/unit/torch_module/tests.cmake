# The libtorch module (src/torch_module/): found beside the program, loaded
# on first use only. The test binary itself must not link libtorch.
if(TARGET kenning_torch)
  kenning_add_test(test_torch_module
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_torch_module.cpp
    LIBS kenning_runtimes kenning_torch_client)
endif()
