# Flows of providers, runners and collectors (need OpenCV).
if(TARGET kenning_flow)
  kenning_add_test(test_flow
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_flow.cpp
    LIBS kenning_flow kenning_datasets opencv_imgcodecs opencv_imgproc opencv_videoio)
endif()
