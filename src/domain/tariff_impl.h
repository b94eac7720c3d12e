/* tariff_impl: the loaded tariff's layout, shared by the loader
 * (tariff_parse.c) and the lookups (tariff.c) and by nothing else. */
#ifndef POSTROOM_TARIFF_IMPL_H
#define POSTROOM_TARIFF_IMPL_H
#include "domain/tariff.h"
#include "util/arena.h"

#define TARIFF_MAX_FORMATS 16
#define TARIFF_MAX_ZONES 16
#define TARIFF_MAX_SERVICES 128
#define TARIFF_MAX_BANDS 32
#define TARIFF_MAX_RETURNS 16
#define TARIFF_NO_ZONE (-1)

struct tariff_band {
    int max_grams;
    int pence;
};

/* The bands of one service, format and zone; n == 0 when there is no line. */
struct tariff_bands {
    int n;
    const struct tariff_band *band;
};

struct tariff_svc {
    struct tariff_service pub;
    uint32_t formats; /* bit i set: takes formats[i] */
    int line;         /* where it was declared, for completeness errors */
    struct tariff_bands prices[TARIFF_MAX_FORMATS][TARIFF_MAX_ZONES];
};

struct tariff {
    struct arena arena; /* everything below points into it */
    struct tariff_format formats[TARIFF_MAX_FORMATS];
    int n_formats;
    const char *zones[TARIFF_MAX_ZONES];
    int n_zones;
    int uk_zone;                 /* index of the zone named UK, TARIFF_NO_ZONE until seen */
    signed char zone_of[26][26]; /* by country letters; TARIFF_NO_ZONE if none */
    struct tariff_svc *services[TARIFF_MAX_SERVICES];
    size_t n_services;
    struct tariff_carrier carrier; /* name NULL: no carrier line */
    struct tariff_return_service returns[TARIFF_MAX_RETURNS];
    size_t n_returns;
};

/* Index helpers: -1 when unknown. */
int tariff_format_index(const struct tariff *t, const char *name);
int tariff_zone_index(const struct tariff *t, const char *name);
struct tariff_svc *tariff_svc_find(const struct tariff *t, const char *code);
/* The zone of an alpha-2 country code (upper case), TARIFF_NO_ZONE if none. */
int tariff_country_zone(const struct tariff *t, const char *cc);

#endif
