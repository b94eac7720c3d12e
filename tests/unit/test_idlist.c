/* Unit tests of src/api/idlist: the orderIdentifiers path segment, raw and
 * percent-encoded once more by generated clients, and every refusal. */
#include "check.h"
#include "api/idlist.h"

static void test_idlist(void)
{
    struct arena a;
    arena_init(&a);
    struct order_key *k;
    const char *err, *bad;
    CHECK_INT(idlist_parse(&a, "1001", &k, &err, &bad), 1);
    CHECK_INT(k[0].id, 1001);
    CHECK_INT(idlist_parse(&a, "\"ref\";1001;\"Reference%3BWith%3BSpecial%3BSymbols!\";2345", &k,
                           &err, &bad),
              4);
    CHECK_STR(k[0].reference, "ref");
    CHECK_INT(k[1].id, 1001);
    CHECK_STR(k[2].reference, "Reference;With;Special;Symbols!");
    CHECK_INT(k[3].id, 2345);
    CHECK_INT(idlist_parse(&a, "%22a%20b%22", &k, &err, &bad), 1); /* encoded quotes */
    CHECK_STR(k[0].reference, "a b");
    CHECK_INT(idlist_parse(&a, "\"x%22y\"", &k, &err, &bad), 1); /* a quote inside */
    CHECK_STR(k[0].reference, "x\"y");
    const char *bad_lists[] = {"",         "abc",         "1001;;1002",     "-5",
                               "0",        "1001;",       "\"open",         "\"\"",
                               "1.5",      "99999999999", "2147483648",     "\"a%00b\"",
                               "\"%FF\"",  "\"%C3%28\"",  "\"%ED%A0%80\"",  "1001.css",
                               "%2",       "1001%3",      "%22a%22%3B%3B1", "\"a\"x",
                               "\"a%zz\"", "\"100%\"",    "%22100%25%22",   "\"" /* lone */};
    /* the spec's example, raw, and percent-encoded once more as a whole by a
     * generated client: the same four keys */
    const char *same[] = {
        "\"ref\";1001;\"Reference%3BWith%3BSpecial%3BSymbols!\";2345",
        "%22ref%22%3B1001%3B%22Reference%253BWith%253BSpecial%253BSymbols%21%22%3B2345",
        "%22ref%22;1001;%22Reference%253BWith%253BSpecial%253BSymbols!%22;2345", /* Go PathEscape */
        "\"ref\";1001;\"Reference;With;Special;Symbols!\";2345", /* ';' left raw in quotes */
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        CHECK_INT(idlist_parse(&a, same[i], &k, &err, &bad), 4);
        CHECK_STR(k[0].reference, "ref");
        CHECK_INT(k[1].id, 1001);
        CHECK_STR(k[2].reference, "Reference;With;Special;Symbols!");
        CHECK_INT(k[3].id, 2345);
    }
    /* a reference encoded inside its quotes, then again by the client */
    CHECK_INT(idlist_parse(&a, "1031%3B%22A%253BB%2520C%22", &k, &err, &bad), 2);
    CHECK_INT(k[0].id, 1031);
    CHECK_STR(k[1].reference, "A;B C");
    CHECK_INT(idlist_parse(&a, "1031%3B%22EXT-1%22", &k, &err, &bad), 2);
    CHECK_STR(k[1].reference, "EXT-1");
    /* a '%' inside a reference is encoded as %25 (and once more by a client) */
    CHECK_INT(idlist_parse(&a, "\"100%25\"", &k, &err, &bad), 1);
    CHECK_STR(k[0].reference, "100%");
    CHECK_INT(idlist_parse(&a, "%22100%2525%22", &k, &err, &bad), 1);
    CHECK_STR(k[0].reference, "100%");
    for (size_t i = 0; i < sizeof bad_lists / sizeof *bad_lists; i++)
        CHECK_INT(idlist_parse(&a, bad_lists[i], &k, &err, &bad), -1);
    char many[1000] = "";
    for (int i = 0; i < 101; i++)
        strcat(many, i ? ";1" : "1");
    CHECK_INT(idlist_parse(&a, many, &k, &err, &bad), -1);
    many[strlen(many) - 2] = 0; /* 100 items */
    CHECK_INT(idlist_parse(&a, many, &k, &err, &bad), 100);
    char longref[64] = "\"";
    for (int i = 0; i < 41; i++)
        strcat(longref, "r");
    strcat(longref, "\"");
    CHECK_INT(idlist_parse(&a, longref, &k, &err, &bad), -1);
    arena_free(&a);
}

int main(void)
{
    test_idlist();
    return check_report("test_idlist");
}
