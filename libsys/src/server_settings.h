/*
 * The runtime's side of a server's settings (sys/server.h): server.c
 * hands it SERVER_SETTING_OPEN through a session and the file protocol
 * through a setting's descriptor.
 */
#ifndef LIBSYS_SERVER_SETTINGS_H
#define LIBSYS_SERVER_SETTINGS_H

#include "sys/server.h"

void server_settings_init(const struct server_settings *settings, enum server_id id);
enum server_outcome server_settings_open(struct server_request *request);
/* A file-protocol request through a descriptor badged SERVER_SETTING_FLAG. */
enum server_outcome server_settings_request(struct server_request *request);
/* The pages of the settings' descriptor table, which stays at its
 * high-water mark (SERVER_STATISTICS leaves them out). */
uint64_t server_settings_table_pages(void);

#endif
