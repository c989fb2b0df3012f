# Host/target protocol (src/protocols) and the target's session loop (src/server).
kenning_add_test(test_protocols
  SOURCES unit/test_protocol_frames.cpp unit/test_protocol_channel.cpp unit/test_inference_server.cpp unit/test_uart_protocol.cpp
  LIBS kenning_server kenning_protocols)
