# The `kenning` command's table, in process (the e2e tests run the binary).
kenning_add_test(test_command_table SOURCES unit/cli/test_command_table.cpp LIBS kenning_cli)
