# The network library (src/nets/): NetGraph, the zoo, seeded init, BatchNorm
# folding, the exporters, the training log. The libtorch backend is tested
# through the model wrappers (tests/unit/modelwrappers/).

# Without libtorch: graph checks, zoo layouts, seeded init, BatchNorm folding.
kenning_add_test(test_net_graph
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_net_graph.cpp
  LIBS kenning_nets)

kenning_add_test(test_training_log
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_training_log.cpp
  LIBS kenning_nets)

# The ONNX exporter on the Fashion-MNIST CNN; with libtorch also the committed
# weights against the committed model.
if(KENNING_WITH_ONNX)
  kenning_add_test(test_net_onnx_export
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_net_onnx_export.cpp
    LIBS kenning_nets kenning_onnx onnx_proto $<TARGET_NAME_IF_EXISTS:kenning_torch_client>)
endif()
