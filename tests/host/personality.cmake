# Host tests of the Linux personality's pure parts (libsys/linux): the
# descriptor bitmaps, the iovec walk, the execve block, counter/timespec
# conversion, statx from stat and FUTEX_WAKE_OP's encoded operation.

get_filename_component(PERSONALITY_DIR
    "${CMAKE_CURRENT_LIST_DIR}/../../libsys/linux" ABSOLUTE)

function(personality_host_test name)
    tern_host_test(${name} ${ARGN})
    target_include_directories(${name} PRIVATE "${PERSONALITY_DIR}" "${TERN_LIBSYS_INCLUDE}")
endfunction()

personality_host_test(test_personality_fd_table
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_fd_table.c" "${PERSONALITY_DIR}/fd_table.c")
personality_host_test(test_personality_iovec
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_iovec.c" "${PERSONALITY_DIR}/iovec.c")
personality_host_test(test_personality_exec_block
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_exec_block.c" "${PERSONALITY_DIR}/exec_block.c")
personality_host_test(test_personality_clock_math
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_clock_math.c" "${PERSONALITY_DIR}/clock_math.c")
personality_host_test(test_personality_statx
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_statx.c" "${PERSONALITY_DIR}/statx.c")
personality_host_test(test_personality_epoll_core
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_epoll_core.c" "${PERSONALITY_DIR}/epoll_core.c")
personality_host_test(test_personality_futex_op
    SOURCES "${CMAKE_CURRENT_LIST_DIR}/test_personality_futex_op.c" "${PERSONALITY_DIR}/futex_op.c")
