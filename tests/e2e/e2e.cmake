# End-to-end tests run the built `kenning` binary, so they depend on it.
kenning_add_test(test_cli SOURCES e2e/test_cli.cpp LIBS nlohmann_json::nlohmann_json LABELS e2e)
add_dependencies(test_cli kenning)
if(KENNING_WITH_TORCH)
  kenning_add_test(test_cli_train SOURCES e2e/test_cli_train.cpp LIBS nlohmann_json::nlohmann_json
                   LABELS "e2e;slow")
  add_dependencies(test_cli_train kenning)
endif()
kenning_add_test(test_cli_infer SOURCES e2e/test_cli_infer.cpp LIBS kenning_measurement LABELS e2e)
add_dependencies(test_cli_infer kenning)
# Generic ONNX wrappers and random tensors; the runs need ONNXExecRuntime.
kenning_add_test(test_cli_generic SOURCES e2e/test_cli_generic.cpp LIBS nlohmann_json::nlohmann_json LABELS e2e)
add_dependencies(test_cli_generic kenning)
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  target_compile_definitions(test_cli_generic PRIVATE KENNING_TEST_WITH_ONNX_EXEC=1)
else()
  target_compile_definitions(test_cli_generic PRIVATE KENNING_TEST_WITH_ONNX_EXEC=0)
endif()
# The conversion matrix needs libtorch (native run, TorchScript) and ONNX.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_cli_onnx_conversion SOURCES e2e/test_cli_onnx_conversion.cpp LABELS e2e)
  add_dependencies(test_cli_onnx_conversion kenning)
endif()
# MobileNetV2 / ResNet wrappers: weights created on the first run, timed on
# random tensors through ONNXExecRuntime and natively.
kenning_add_test(test_cli_nets SOURCES e2e/test_cli_nets.cpp LIBS nlohmann_json::nlohmann_json LABELS e2e)
add_dependencies(test_cli_nets kenning)
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  target_compile_definitions(test_cli_nets PRIVATE KENNING_TEST_WITH_NETS=1)
else()
  target_compile_definitions(test_cli_nets PRIVATE KENNING_TEST_WITH_NETS=0)
endif()
# `kenning optimize test` with the ONNX graph optimizer and --evaluate-unoptimized.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_cli_optimize SOURCES e2e/test_cli_optimize.cpp LIBS nlohmann_json::nlohmann_json
                   LABELS e2e)
  add_dependencies(test_cli_optimize kenning)
endif()
# Markdown reports from measurements files.
kenning_add_test(test_cli_report SOURCES e2e/test_cli_report.cpp LIBS nlohmann_json::nlohmann_json LABELS e2e)
add_dependencies(test_cli_report kenning)
# Remote targets: `kenning server` as a child process on loopback, and
# `kenning test` with a protocol block against it (ONNXExecRuntime on the target).
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_cli_remote SOURCES e2e/test_cli_remote.cpp LIBS nlohmann_json::nlohmann_json LABELS e2e)
  add_dependencies(test_cli_remote kenning)
  # Target-side optimizers and benchmark, serial end to end (pty_link.h).
  kenning_add_test(test_cli_remote_target SOURCES e2e/test_cli_remote_target.cpp LIBS nlohmann_json::nlohmann_json
                   LABELS e2e)
  target_include_directories(test_cli_remote_target PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  add_dependencies(test_cli_remote_target kenning)
  kenning_add_test(test_cli_server_robustness SOURCES e2e/test_cli_server_robustness.cpp
                   LIBS nlohmann_json::nlohmann_json LABELS e2e)
  add_dependencies(test_cli_server_robustness kenning)
endif()
# `kenning flow` on Fashion-MNIST images and video made from the IDX test set.
if(TARGET kenning_flow)
  kenning_add_test(test_cli_flow SOURCES e2e/test_cli_flow.cpp
                   LIBS kenning_datasets nlohmann_json::nlohmann_json opencv_core opencv_imgcodecs opencv_imgproc
                        opencv_videoio
                   LABELS e2e)
  target_include_directories(test_cli_flow PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../unit)
  add_dependencies(test_cli_flow kenning)
endif()
# Object detection: BlazeFace on scikit-image's sample images (skips without
# scripts/fetch-models.sh's files).
if(KENNING_WITH_OPENCV AND KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_cli_detection SOURCES e2e/test_cli_detection.cpp LIBS nlohmann_json::nlohmann_json
                   LABELS e2e)
  add_dependencies(test_cli_detection kenning)
endif()
# `kenning test --test-mode single-stream|offline` on the Fashion-MNIST CNN
# with ONNXExecRuntime.
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  kenning_add_test(test_cli_test_modes SOURCES e2e/test_cli_test_modes.cpp LIBS nlohmann_json::nlohmann_json
                   LABELS e2e)
  add_dependencies(test_cli_test_modes kenning)
endif()
# The libtorch module missing or broken: one clear error, and commands that
# do not run libtorch still work.
if(TARGET kenning_torch)
  kenning_add_test(test_cli_torch_module SOURCES e2e/test_cli_torch_module.cpp LIBS nlohmann_json::nlohmann_json
                   LABELS e2e)
  add_dependencies(test_cli_torch_module kenning)
endif()
# Upstream Kenning's files (tests/data/upstream): reports of its
# measurements, its reader's rules on ours, its example scenarios.
kenning_add_test(test_cli_upstream SOURCES e2e/test_cli_upstream.cpp LIBS nlohmann_json::nlohmann_json LABELS e2e)
add_dependencies(test_cli_upstream kenning)
if(KENNING_WITH_TORCH AND KENNING_WITH_ONNX)
  target_compile_definitions(test_cli_upstream PRIVATE KENNING_TEST_WITH_ONNX_EXEC=1)
else()
  target_compile_definitions(test_cli_upstream PRIVATE KENNING_TEST_WITH_ONNX_EXEC=0)
endif()
