# Markdown reports from measurements files.
kenning_add_test(test_reports SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_reports.cpp LIBS kenning_reports)
# Whole reports on disk: gnuplot figures, HTML, summary, failures.
kenning_add_test(test_report_writer SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_report_writer.cpp LIBS kenning_reports)
# The detection section and figures of `kenning report`.
kenning_add_test(test_report_detection SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_report_detection.cpp
                 LIBS kenning_reports)
