# Host/target protocol (src/protocols): frames, channels, payloads (LOGS,
# action bytes, the IO spec's two forms), the framing cases every transport
# passes, the UART link (whose tests serve a session through src/server).
kenning_add_test(test_protocols
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_protocol_frames.cpp ${CMAKE_CURRENT_LIST_DIR}/test_protocol_channel.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_protocol_payloads.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_transport_conformance.cpp ${CMAKE_CURRENT_LIST_DIR}/test_uart_protocol.cpp
  LIBS kenning_server kenning_protocols)
