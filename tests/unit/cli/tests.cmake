# The `kenning` command's table and option parsing, in process (the e2e
# tests run the binary).
kenning_add_test(test_command_table SOURCES unit/cli/test_command_table.cpp unit/cli/test_cli_options.cpp
                 LIBS kenning_cli)
