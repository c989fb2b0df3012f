# Dataset family: IDX files, Fashion-MNIST, random tensors, COCO/VOC.
kenning_add_test(test_idx_reader
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_idx_reader.cpp
  LIBS kenning_datasets ZLIB::ZLIB)
# Reads the real 70k-image files a few times; a few seconds in all.
kenning_add_test(test_datasets
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_datasets.cpp
  LIBS kenning_datasets ZLIB::ZLIB)
# Random inputs shaped from a model's I/O spec.
kenning_add_test(test_random_tensor_dataset
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_random_tensor_dataset.cpp
  LIBS kenning_datasets)
# COCO / VOC readers and detection evaluation on files the test writes.
if(KENNING_WITH_OPENCV)
  kenning_add_test(test_detection_datasets
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_detection_datasets.cpp
    LIBS kenning_datasets opencv_core opencv_imgcodecs)
endif()
