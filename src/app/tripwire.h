/* tripwire: what postroom does by itself, in the very request whose answer
 * the egress wall withheld (issue 10): switch access off, record the
 * security event, open (or add to) the breach entry with the blast radius
 * so far, and post an incident on the status site. */
#ifndef POSTROOM_APP_TRIPWIRE_H
#define POSTROOM_APP_TRIPWIRE_H
#include <stdbool.h>

struct request;
struct security_event;

/* serve --tripwire=MODE */
enum tripwire_mode {
    TRIPWIRE_KILLSWITCH, /* the global kill switch (the default) */
    TRIPWIRE_TENANT,     /* the switch of the business that was handed the records */
    TRIPWIRE_LOG,        /* no switch and no status post: the event and the register only */
};

struct tripwire_config {
    enum tripwire_mode mode;
    const char *status_db; /* serve --status-db PATH; NULL: post nothing */
    const char *contact;   /* the breach's contact point ($POSTROOM_BREACH_CONTACT) */
};

bool tripwire_mode_parse(const char *s, enum tripwire_mode *out);
const char *tripwire_mode_name(enum tripwire_mode m);

/* server_config.tripwire */
void tripwire_fire(struct request *r, const struct security_event *e);

/* What the switch says to everyone it stops. */
#define TRIPWIRE_REASON                                                                            \
    "Access suspended as a protective measure while we investigate a data problem."

#endif
