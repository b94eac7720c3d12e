/* request: reading a request's parts and building its answer. */
#include "http/request.h"
#include "util/percent.h"

#include <string.h>
#include <strings.h>

const char *http_header(struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

const char *http_query(struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nquery; i++) {
        const char *k = r->query[i].name;
        if (strcmp(k, name) == 0) {
            const char *raw = r->query[i].value;
            return percent_decode(&r->arena, raw, strlen(raw), true);
        }
    }
    return NULL;
}

const char *http_form(struct request *r, const char *name)
{
    const char *p = buf_cstr(&r->body);
    size_t nl = strlen(name);
    while (*p) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0)
            return percent_decode(&r->arena, eq + 1, len - nl - 1, true);
        p += len;
        if (*p == '&') p++;
    }
    return NULL;
}

void http_add_header(struct request *r, const char *name, const char *value)
{
    if (r->nhdr >= REQ_MAX_HEADERS_OUT) return;
    r->hdr_name[r->nhdr] = name;
    r->hdr_value[r->nhdr++] = value;
}

void http_reply(struct request *r, int status, const char *content_type)
{
    r->status = status;
    r->content_type = content_type;
}

void http_reply_json(struct request *r, int status)
{
    http_reply(r, status, "application/json");
}

void http_error(struct request *r, int status, const char *code, const char *message)
{
    buf_init(&r->out, &r->arena);
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kstr(&w, "code", code);
    jw_kstr(&w, "message", message);
    jw_obj_close(&w);
    http_reply_json(r, status);
}
