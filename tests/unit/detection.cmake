# Object detection: box geometry, NMS, AP/mAP, anchors and decoding.
kenning_add_test(test_detection_metrics
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_detection_metrics.cpp
  LIBS kenning_core)
kenning_add_test(test_ssd_anchors
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ssd_anchors.cpp
  LIBS kenning_modelwrappers)
kenning_add_test(test_yolo_decode
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_yolo_decode.cpp
  LIBS kenning_modelwrappers)
# The real BlazeFace model on scikit-image's sample images (skips without
# scripts/fetch-models.sh's files).
if(KENNING_WITH_OPENCV AND TARGET kenning_onnx_exec)
  kenning_add_test(test_blazeface
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_blazeface.cpp
    LIBS kenning_modelwrappers kenning_datasets kenning_runtimes)
endif()
# COCO / VOC readers and detection evaluation on files the test writes.
if(KENNING_WITH_OPENCV)
  kenning_add_test(test_detection_datasets
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_detection_datasets.cpp
    LIBS kenning_datasets opencv_core opencv_imgcodecs)
endif()
# ONNXYOLODetector on a Conv "YOLO head" built by the test.
if(TARGET kenning_onnx_exec)
  kenning_add_test(test_onnx_yolo_detector
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_yolo_detector.cpp
    LIBS kenning_modelwrappers kenning_runtimes kenning_onnx)
endif()
# The detection section and figures of `kenning report`.
kenning_add_test(test_report_detection
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_report_detection.cpp
  LIBS kenning_reports)
