# Object detection: box geometry, NMS, AP/mAP, anchors and decoding.
kenning_add_test(test_detection_metrics
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_detection_metrics.cpp
  LIBS kenning_core)
kenning_add_test(test_ssd_anchors
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ssd_anchors.cpp
  LIBS kenning_modelwrappers)
