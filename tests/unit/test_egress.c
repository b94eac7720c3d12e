/* Unit test of the egress wall: a body carrying another tenant's record is
 * withheld, wiped, replaced by a generic 500, and raised as a tenant_mismatch
 * security event naming both tenants. */
#include "check.h"
#include "http/egress.h"
#include "http/server.h"
#include "incident/security_event.h"

static int events;
static struct security_event last;

static void hook(const struct security_event *e, void *ctx)
{
    (void)ctx;
    events++;
    last = *e;
}

static int trips, trip_status;

static void tripwire(struct request *r, const struct security_event *e)
{
    trips++;
    trip_status = r->status;
    last = *e;
}

static void fresh(struct request *r, int64_t tenant)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    buf_init(&r->out, &r->arena);
    strcpy(r->id, "test-rid");
    r->principal.tenant_id = tenant;
    r->authenticated = true;
}

int main(void)
{
    security_event_subscribe(hook, NULL);
    struct request r;

    /* own records only: untouched */
    fresh(&r, 7);
    buf_adds(&r.out, "[{\"orderIdentifier\":1001,\"name\":\"OWN\"}]");
    http_egress_claim(&r, 7, 1001);
    http_egress_claim(&r, 7, 1001);
    http_reply_json(&r, 200);
    CHECK(!egress_enforce(&r, "GET /orders"));
    CHECK_INT(r.status, 200);
    CHECK(strstr(buf_cstr(&r.out), "OWN") != NULL);
    CHECK_INT(events, 0);
    arena_free(&r.arena);

    /* one foreign record among own ones: withheld */
    fresh(&r, 7);
    buf_adds(&r.out, "[{\"name\":\"OWN\"},{\"name\":\"CANARY-OTHER\"}]");
    http_egress_claim(&r, 7, 1001);
    http_egress_claim(&r, 8, 2001);
    http_add_header(&r, "Set-Cookie", "x=1");
    http_reply_json(&r, 200);
    CHECK(egress_enforce(&r, "GET /orders"));
    CHECK_INT(r.status, 500);
    CHECK(strstr(buf_cstr(&r.out), "CANARY") == NULL);
    CHECK(strstr(buf_cstr(&r.out), "InternalError") != NULL);
    CHECK_INT(r.nhdr, 0);
    CHECK_INT(events, 1);
    CHECK_STR(last.kind, "tenant_mismatch");
    CHECK_INT(last.principal_tenant, 7);
    CHECK_INT(last.exposed_tenant, 8);
    CHECK_STR(last.request_id, "test-rid");
    /* the withheld records by id, each once, for the tripwire */
    CHECK_INT(last.nrecords, 1);
    if (last.nrecords) {
        CHECK_INT(last.records[0].tenant_id, 8);
        CHECK_INT(last.records[0].order_id, 2001);
    }
    CHECK_STR(last.principal_id, "user:0");
    arena_free(&r.arena);

    /* two foreign records of two tenants, one claimed twice; the tripwire is called */
    fresh(&r, 7);
    struct server_config cfg = {0};
    cfg.tripwire = tripwire;
    r.cfg = &cfg;
    http_egress_claim(&r, 7, 1001);
    http_egress_claim(&r, 8, 2001);
    http_egress_claim(&r, 8, 2001);
    http_egress_claim(&r, 9, 3005);
    http_reply_json(&r, 200);
    CHECK(egress_enforce(&r, "GET /orders/{ids}"));
    CHECK_INT(trips, 1);
    CHECK_INT(trip_status, 500); /* the answer is already the 500 when the tripwire runs */
    CHECK_INT(last.nrecords, 2);
    if (last.nrecords == 2) {
        CHECK_INT(last.records[1].tenant_id, 9);
        CHECK_INT(last.records[1].order_id, 3005);
    }
    CHECK_INT(last.exposed_tenant, 8);
    arena_free(&r.arena);

    /* a record in an unauthenticated answer is a mismatch too */
    fresh(&r, 0);
    r.authenticated = false;
    http_egress_claim(&r, 3, 0);
    http_reply_json(&r, 200);
    CHECK(egress_enforce(&r, "GET /"));
    CHECK_INT(events, 3);
    arena_free(&r.arena);
    return check_report("test_egress");
}
