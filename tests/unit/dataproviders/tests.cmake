# Data providers (need OpenCV).
if(TARGET kenning_flow)
  kenning_add_test(test_dataproviders
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dataproviders.cpp
    LIBS kenning_plugins kenning_dataproviders_cv kenning_datasets opencv_imgcodecs opencv_imgproc opencv_videoio)
endif()
