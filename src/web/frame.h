/* frame: the page frame of the signed-in web app, one for every page.
 *
 * A navigation bar naming the business and the user (the sections, with
 * Settings only for administrators), the breach notice banner, the page's
 * heading, and at the foot the "Report a data problem" link that names the
 * page. Pages write their body between web_page_open and web_page_close,
 * text only through html_text. */
#ifndef POSTROOM_WEB_FRAME_H
#define POSTROOM_WEB_FRAME_H
#include "http/request.h"
#include "web/html.h"

#include <stdbool.h>

enum web_section {
    WEB_SECTION_NONE,
    WEB_SECTION_DASHBOARD,
    WEB_SECTION_ORDERS,
    WEB_SECTION_MANIFESTS,
    WEB_SECTION_RULES,
    WEB_SECTION_IMPORT,
    WEB_SECTION_EXPORT,
    WEB_SECTION_SETTINGS,
    WEB_SECTION_ACCOUNT,
};

/* Starts r->out afresh with the frame and an <h1> of title. The bar's names
 * are left blank if the store cannot give them: they are a courtesy, and
 * the page's own reads meet the same store and say what failed. */
void web_page_open(struct request *r, enum web_section section, const char *title);
/* Closes the frame and answers with status. */
void web_page_close(struct request *r, int status);

/* The hidden CSRF field every form of the signed-in app carries. */
void web_csrf_field(struct request *r);
/* The order ids a list's form posts, ticked boxes named "id" (at most
 * WEB_FORM_IDS_MAX): their count, or -1 with *error set when one is not an
 * order number. Which of them the business holds is the store's to say. */
#define WEB_FORM_IDS_MAX 1000
long web_form_ids(struct request *r, int64_t **ids, const char **error);
/* 303 See Other to a path of ours (after a form post). */
void web_redirect(struct request *r, const char *to);

#endif
