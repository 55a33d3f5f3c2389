/* The runtime's side of readiness boards (watch_server.c): not for
 * servers, which see only sys/watch.h and their file_operations' watch. */
#ifndef LIBSYS_WATCH_SERVER_H
#define LIBSYS_WATCH_SERVER_H

#include "sys/file_server.h"
#include "sys/server.h"

void watch_server_init(void);
/* Signals every board that changed while armed. */
void watch_server_signal_due(void);
/* FILE_WATCH_BOARD, FILE_WATCH and FILE_UNWATCH through a description. */
enum server_outcome watch_server_description_request(const struct file_server *server,
                                                     struct server_request *request);
/* Anything through a board (its badge has WATCH_BOARD_FLAG). */
enum server_outcome watch_server_board_request(struct server_request *request);
/* The heap of the boards' pool's table of frames, which stays at its
 * high-water mark (SERVER_STATISTICS leaves it out). */
uint64_t watch_server_frame_table_bytes(void);

#endif
