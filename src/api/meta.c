/* meta: version, health and metrics. */
#include "api/api.h"
#include "http/metrics.h"
#include "http/server.h"

#ifndef POSTROOM_COMMIT
#define POSTROOM_COMMIT "unknown"
#endif
#define POSTROOM_RELEASE "0.1.0"
#define POSTROOM_RELEASE_DATE "2026-11-29T00:00:00Z"

void api_version(struct request *r)
{
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_open(&w);
    jw_kstr(&w, "commit", POSTROOM_COMMIT);
    jw_kstr(&w, "build", POSTROOM_COMMIT);
    jw_kstr(&w, "release", POSTROOM_RELEASE);
    jw_kstr(&w, "releaseDate", POSTROOM_RELEASE_DATE);
    jw_obj_close(&w);
    http_reply_json(r, 200);
}

void api_healthz(struct request *r)
{
    buf_adds(&r->out, "{\"status\":\"ok\"}");
    http_reply_json(r, 200);
}

void api_metrics(struct request *r)
{
    metrics_render(&r->out, r->cfg->routes);
    http_reply(r, 200, "text/plain; version=0.0.4");
}
