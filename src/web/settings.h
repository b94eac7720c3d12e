/* settings: what the administrators' settings pages (issue 11) share: the
 * index at /settings, times as a business reads them, ids posted in forms,
 * field messages and the use cases' context. Routes need ROLE_ADMIN: a
 * Standard user is refused by the guards (a 403 page, web/errors.c)
 * before any of these runs. */
#ifndef POSTROOM_WEB_SETTINGS_H
#define POSTROOM_WEB_SETTINGS_H
#include "http/request.h"
#include "service/service.h"

#include <stdbool.h>
#include <stdint.h>

/* The context of a change made from a settings page, audited as the user. */
struct service_ctx settings_ctx(struct request *r);
/* Writes an instant in Europe/London ("2026-12-01 10:00 GMT"), or
 * if_never when ms is 0, as a <time> element. */
void settings_when(struct request *r, int64_t ms, const char *if_never);
/* A posted id, as id_parse reads one; false for anything else. */
bool settings_id(const char *v, int64_t *id);
/* A field's message under its input (id "ID-error", named by the input's
 * aria-describedby), or nothing when msg is NULL. */
void settings_field_error(struct request *r, const char *id, const char *msg);
/* Text a person types for a name: valid UTF-8, no control characters, 1
 * to max characters once trimmed; NULL when it is not (with *why set). */
const char *settings_clean_text(struct request *r, const char *v, size_t max, const char **why);
/* The paragraph that says a change was made (role="status"). */
void settings_done(struct request *r, const char *message);
/* "Settings" and the page's own name, above its heading. */
void settings_breadcrumb(struct request *r, const char *page);

void web_settings(struct request *r);
void web_settings_users(struct request *r);
void web_settings_user_add(struct request *r);
void web_settings_user_role(struct request *r);
void web_settings_user_remove(struct request *r);
void web_settings_keys(struct request *r);
void web_settings_key_add(struct request *r);
void web_settings_key_revoke(struct request *r);
void web_settings_labels(struct request *r);
void web_settings_labels_save(struct request *r);

#endif
