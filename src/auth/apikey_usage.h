/* apikey_usage: when each API key was last used, for the settings page
 * (issue 11), recorded without a write on any request's path.
 *
 * A request that authenticates with a key notes it here, in memory: one
 * atomic load when the key was written less than a minute ago, one atomic
 * store otherwise; no lock, no store call. The server's housekeeping
 * thread (http/server.c, every 200 ms) writes what is due with its own
 * connection, so each server writes a key's last use at most once a
 * minute. Keys are kept in 1024 slots by hash (eight tried per key):
 * past that, a key that has to take another's slot may leave that key's
 * latest use unwritten until it is used again. */
#ifndef POSTROOM_APIKEY_USAGE_H
#define POSTROOM_APIKEY_USAGE_H
#include <stdint.h>

struct store;

/* At most one write per key per server in this many ms. */
#define APIKEY_USAGE_EVERY_MS 60000

/* Notes that the key was used at now (Unix ms). */
void apikey_usage_note(int64_t tenant_id, int64_t key_id, int64_t now);
/* Writes each noted use that is due (store_directory_apikey_used); a
 * failed write is kept for the next round. The store return code of the
 * first failure, else STORE_OK. */
int apikey_usage_flush(struct store *s);
/* Forgets every note (tests, a server that stops). */
void apikey_usage_reset(void);

#endif
