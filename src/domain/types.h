/* types: the records the domain owns, as the rules make and read them.
 *
 * The store writes and reads these; documents, formats and the wire formats
 * take them. They live here, below every other layer, so that the domain
 * depends on nothing but util/ (design.md). Every record that reaches an
 * answer keeps the tenant_id it was stored with, for the egress check. */
#ifndef POSTROOM_DOMAIN_TYPES_H
#define POSTROOM_DOMAIN_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An order as stored. tenant_id is carried to the response writer, which
 * checks it against the principal before anything is written out (wall 5). */
struct order_row {
    int64_t tenant_id;
    int64_t order_id;
    const char *reference; /* NULL when the order has none */
    const char *status;
    int64_t created_on, updated_on, order_date; /* Unix ms; 0 = absent */
    int64_t postage_applied_on, printed_on, manifested_on, shipped_on, other_courier_on;
    const char *tracking_number, *carrier, *carrier_service;
    const char *service_code; /* postage service, NULL before postage */
    int64_t postage_pence;
    int64_t manifest_no; /* 0 when not manifested */
    int package_count;
    const char *doc;     /* validated order JSON */
    const char *channel; /* where it came from: "API", "Spreadsheet import", "Shopify"... */
};

/* Postage bought for an order: the service, its price and the S10 number
 * reserved for it (store_s10_reserve). */
struct postage {
    const char *service_code;
    int64_t price_pence;
    const char *tracking_number;
};

/* A new order, as domain validation produced it. */
struct order_new {
    const char *reference;
    int64_t order_date;
    int package_count;
    const char *doc;
    const struct postage *postage; /* non-NULL: created with postage applied */
    const char *channel;           /* NULL: "API" */
};

/* A business's label settings and its sender / return address. */
struct tenant_settings {
    const char *label_layout; /* "6x4" or "A4" */
    const char *trading_name, *address_line1, *address_line2, *city, *postcode, *country_code,
        *phone;
    /* customs defaults (migration 012, settings): the declaration's
     * category and the items' origin country where an order leaves them
     * out; NULL: none (sale of goods, origin left blank) */
    const char *customs_category, *customs_origin;
};

/* One item of an orderIdentifiers list: an identifier, or a reference. */
struct order_key {
    int64_t id;            /* > 0 when this is an identifier */
    const char *reference; /* otherwise */
};

struct order_page_query {
    int64_t after_id;         /* keyset: identifiers strictly greater */
    int64_t start_ms, end_ms; /* createdOn bounds, inclusive; 0 = open */
    int limit;
};

/* The change PUT /orders/status makes, decided by domain/ and applied as one
 * compare-and-set on the status the order had when it was read. */
struct order_status_change {
    const char *from_status;
    const char *to_status;
    int64_t now;
    bool clear_label; /* back to new: the label is void */
    int64_t shipped_on, other_courier_on;
    const char *tracking_number, *carrier, *carrier_service;
};

/* A new return (POST /returns), as the handler validated it. */
struct return_new {
    const char *service_code;
    const char *tracking_number; /* reserved with store_s10_reserve */
    const char *unique_item_id;
    const char *reference; /* customerReference.reference, NULL if none */
    int64_t order_id;      /* the order it names, 0 = none */
    const char *doc;       /* the validated request JSON */
    const char *history;   /* the order history line, when order_id is set */
};

/* A return as stored; tenant_id goes to the egress check. */
struct return_row {
    int64_t tenant_id;
    int64_t return_id;
    int64_t created_on;
    const char *service_code, *tracking_number, *unique_item_id;
    const char *reference; /* NULL when none */
    int64_t order_id;      /* 0 when linked to no order */
    const char *doc;
};

/* One line of an order's history. */
struct order_event {
    int64_t tenant_id;
    int64_t order_id;
    int64_t event_id; /* per order, from 1 */
    int64_t at;       /* Unix ms */
    const char *kind; /* e.g. "returnCreated" */
    const char *text;
    int64_t return_id; /* 0 when the event records no return */
};

/* A carrier another courier's despatch named (orders.carrier). */
struct carrier_row {
    int64_t tenant_id;
    const char *name;
};

#endif
