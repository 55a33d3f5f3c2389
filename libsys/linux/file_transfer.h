/*
 * One read or write on a file capability (files.c): what read, write,
 * pread64 and pwrite64 come down to, for the calls that move data
 * themselves (splice, vmsplice).
 */
#ifndef LINUX_FILE_TRANSFER_H
#define LINUX_FILE_TRANSFER_H

#include <stdint.h>

/* label FILE_READ/WRITE (offset unused) or FILE_PREAD/PWRITE, the buffer
 * as window 0, length cut to Linux's MAX_RW_COUNT. Bytes moved or
 * -errno; no SIGPIPE. */
int64_t linux_file_transfer(uint64_t slot, uint64_t label, uint64_t buffer, uint64_t length,
                            uint64_t offset);

/* A write's result, after SIGPIPE is raised if the server's reply
 * marked it (a pipe or stream socket without a reader, server_call.h). */
int64_t linux_written(int64_t result);

/* socket_data.c: a write to a unix socket whose server needs to know who
 * writes (UNIX_IDENTITY_NEEDED: SO_PASSCRED), sent again through the
 * process's unix session (UNIX_SEND_AS). */
int64_t linux_socket_write_as(uint64_t slot, uint64_t buffer, uint64_t length);

#endif
