/* assets: the stylesheet and the script the pages use, src/web/assets/,
 * embedded at build time (CMakeLists.txt) so that the binary is all there is
 * to install. Served like every answer (no-store): they are small, and a rule
 * for caching one path is a rule a proxy could get wrong. */
#include "web/web.h"

extern const char web_asset_style_css[];
extern const char web_asset_app_js[];

void web_style(struct request *r)
{
    buf_adds(&r->out, web_asset_style_css);
    http_reply(r, 200, "text/css; charset=utf-8");
}

void web_script(struct request *r)
{
    buf_adds(&r->out, web_asset_app_js);
    http_reply(r, 200, "text/javascript; charset=utf-8");
}
