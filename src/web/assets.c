/* assets: the one stylesheet the pages use, compiled in so that the binary
 * is all there is to install. Served like every answer (no-store): it is
 * small, and a rule for caching one path is a rule a proxy could get wrong. */
#include "web/web.h"

static const char style_css[] =
    ":root{--ink:#1d1d1f;--muted:#5b5b66;--line:#d8d8de;--accent:#b3001b;--bg:#f6f6f8}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--ink);"
    "font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
    "main{max-width:60rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;"
    "border:1px solid var(--line);border-radius:8px}"
    "h1{margin:0 0 1rem;font-size:1.6rem}"
    "a{color:var(--accent)}"
    "form{display:flex;flex-wrap:wrap;gap:.75rem 1.25rem;align-items:flex-end;margin:1rem 0}"
    "label{display:flex;flex-direction:column;gap:.25rem;font-size:.9rem;color:var(--muted)}"
    "label:has(input[type=checkbox]){flex-direction:row;align-items:center}"
    "input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid var(--line);"
    "border-radius:6px;color:var(--ink);background:#fff}"
    "button{background:var(--accent);border-color:var(--accent);color:#fff;cursor:pointer}"
    "fieldset{border:1px solid var(--line);border-radius:6px;display:flex;gap:1rem;"
    "flex-wrap:wrap}"
    "legend{color:var(--muted);font-size:.9rem;padding:0 .3rem}"
    "table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.95rem}"
    "th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line)}"
    "th{color:var(--muted);font-weight:600}"
    ".error{color:var(--accent);background:#fdecee;border:1px solid #f3b6bf;"
    "border-radius:6px;padding:.6rem .8rem}"
    "ul{padding-left:1.2rem}"
    ".notice{display:block;margin:0 0 1rem;color:var(--ink);background:#fff4d6;"
    "border:1px solid #e8c66a;border-radius:6px;padding:.6rem .8rem}";

void web_style(struct request *r)
{
    buf_adds(&r->out, style_css);
    http_reply(r, 200, "text/css; charset=utf-8");
}
