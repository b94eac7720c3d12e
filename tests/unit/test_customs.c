/* Unit tests of src/documents/customs.c and its forms (cn22.c, cn23.c): the
 * second wall, the forms' own refusal to declare nothing. */
#include "check.h"
#include "documents/document.h"
#include "util/buf.h"

static struct arena A;

/* The second wall: the forms refuse a declaration of nothing. */
static void test_forms_refuse(const struct doc_fonts *fonts)
{
    static const struct doc_item mug = {"Ceramic mug", "MUG", "691200", "GB", 2, 550, 300};
    struct doc_item weightless = mug, worthless = mug;
    weightless.unit_weight_grams = 0;
    worthless.unit_value_pence = 0;
    struct doc_shipment s = {.tenant_id = 7,
                             .order_id = 1001,
                             .tracking_number = "LX100000018GB",
                             .recipient = {.name = "Jean", .country_code = "FR"}};
    void (*adders[])(struct doc *, const struct doc_shipment *) = {doc_add_cn22, doc_add_cn23,
                                                                   doc_add_customs};
    struct {
        const struct doc_item *items;
        size_t n;
        enum doc_category cat;
        int want;
    } cases[] = {{NULL, 0, DOC_CAT_SALE_OF_GOODS, DOC_ERR_INPUT},
                 {&weightless, 1, DOC_CAT_SALE_OF_GOODS, DOC_ERR_INPUT},
                 {&worthless, 1, DOC_CAT_GIFT, DOC_ERR_INPUT},
                 {&worthless, 1, DOC_CAT_DOCUMENTS, DOC_OK},
                 {&mug, 1, DOC_CAT_SALE_OF_GOODS, DOC_OK}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (int k = 0; k < 3; k++) {
            struct buf b;
            buf_init(&b, &A);
            s.items = cases[c].items;
            s.n_items = cases[c].n;
            s.category = cases[c].cat;
            struct doc *d = doc_begin(fonts, 7, DOC_LAYOUT_6X4, "x", &b);
            adders[k](d, &s);
            const char *why = NULL;
            int rc = doc_end(d, &why);
            CHECK_INT(rc, cases[c].want);
            if (cases[c].want != DOC_OK) {
                CHECK_INT(b.len, 0);
                CHECK(why && strstr(why, "customs declaration"));
            } else {
                CHECK(b.len > 1000);
            }
        }
    }
}

int main(void)
{
    arena_init(&A);
    char err[256];
    struct doc_fonts *fonts = doc_fonts_load(NULL, NULL, err, sizeof err);
    if (!fonts) {
        fprintf(stderr, "fonts: %s\n", err);
        return 1;
    }
    test_forms_refuse(fonts);
    doc_fonts_free(fonts);
    arena_free(&A);
    return check_report("test_customs");
}
