# Model wrappers and the ONNX graph builder.

# No libtorch needed: parameters, I/O spec, pre/post-processing.
kenning_add_test(test_fashion_mnist_cnn
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fashion_mnist_cnn.cpp
  LIBS kenning_modelwrappers)

# Builder and exporter; with libtorch also the export against libtorch, and
# with OpenCV the exported graphs computed by OpenCV's importer.
if(KENNING_WITH_ONNX)
  set(_onnx_test_libs kenning_modelwrappers kenning_onnx onnx_proto)
  if(KENNING_WITH_OPENCV)
    list(APPEND _onnx_test_libs opencv_core opencv_dnn)
  endif()
  kenning_add_test(test_onnx_export
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_export.cpp
    LIBS ${_onnx_test_libs})
endif()

# One epoch on a reduced Fashion-MNIST (a few seconds); skips without the data.
if(KENNING_WITH_TORCH)
  kenning_add_test(test_fashion_mnist_cnn_training
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fashion_mnist_cnn_training.cpp
    LIBS kenning_modelwrappers kenning_datasets
    LABELS slow)
endif()

# Generic ONNX wrappers (ONNXModel, ONNXImageClassifier): tiny graphs from
# the builder and the committed Fashion-MNIST model.
if(KENNING_WITH_ONNX)
  kenning_add_test(test_onnx_model
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_model.cpp
    LIBS kenning_plugins kenning_modelwrappers kenning_onnx)
endif()

# PyTorchMobileNetV2 / PyTorchResNet without libtorch: parameters,
# registration.
kenning_add_test(test_net_wrappers
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_net_wrappers.cpp
  LIBS kenning_modelwrappers)

# PyTorchMobileNetV2 / PyTorchResNet: libtorch vs our ONNX executor vs
# TorchScript (vs OpenCV when built) on small inputs, and at full size
# (224x224, slow).
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  set(_net_test_libs kenning_modelwrappers kenning_runtimes_torch kenning_onnx onnx_proto ${TORCH_LIBRARIES})
  if(KENNING_WITH_OPENCV)
    list(APPEND _net_test_libs opencv_core)
  endif()
  kenning_add_test(test_nets_torch
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_nets_torch.cpp
    LIBS ${_net_test_libs}
    ATEN)
  kenning_add_test(test_nets_full_size
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_nets_full_size.cpp
    LIBS ${_net_test_libs}
    LABELS slow
    ATEN)
endif()

# Object detection wrappers: SSD anchors, YOLO decoding, the ONNX detectors.
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
    LIBS kenning_modelwrappers kenning_datasets kenning_runtimes_torch)
endif()
# ONNXYOLODetector on a Conv "YOLO head" built by the test.
if(TARGET kenning_onnx_exec)
  kenning_add_test(test_onnx_yolo_detector
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_onnx_yolo_detector.cpp
    LIBS kenning_modelwrappers kenning_runtimes_torch kenning_onnx)
endif()
