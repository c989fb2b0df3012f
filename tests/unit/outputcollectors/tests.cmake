# Output collectors (need OpenCV).
if(TARGET kenning_flow)
  kenning_add_test(test_outputcollectors
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_outputcollectors.cpp
    LIBS kenning_plugins kenning_outputcollectors_cv kenning_datasets opencv_imgcodecs opencv_imgproc opencv_videoio
         opencv_highgui)
endif()
