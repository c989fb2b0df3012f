# Data providers, output collectors and flows (all need OpenCV).
if(TARGET kenning_flow)
  kenning_add_test(test_dataproviders
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dataproviders.cpp
    LIBS kenning_plugins kenning_datasets opencv_imgcodecs opencv_imgproc opencv_videoio)
  kenning_add_test(test_outputcollectors
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_outputcollectors.cpp
    LIBS kenning_plugins kenning_datasets opencv_imgcodecs opencv_imgproc opencv_videoio opencv_highgui)
  kenning_add_test(test_flow
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_flow.cpp
    LIBS kenning_flow kenning_datasets opencv_imgcodecs opencv_imgproc opencv_videoio)
endif()
