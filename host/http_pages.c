/* http_pages.c — the dashboard's layout (see http_pages.h): the document around every
 * page, its one style sheet (inline: the pages need no other request, and the Content
 * Security Policy allows nothing else), badges, times, links that keep a signed link's
 * signature, and the error page. Owns nothing beyond a page being written.
 *
 * The style: readable at 1,280 px and on a phone (one column under 720 px, wide tables
 * scroll sideways), printable (no navigation or forms, no shadows, colours kept for the
 * badges and bars), contrast of at least 4.5:1 for text, a visible focus ring for the
 * keyboard. */
#include "http_pages_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isotime.h"
#include "result.h"
#include "term.h"

static const char style[] =
    ":root{--fg:#242424;--muted:#5c5c5c;--line:#e0e0e0;--bg:#f5f5f5;--card:#fff;"
    "--accent:#0f6cbd;--accent-dk:#0c3b5e;--ok:#0e700e;--ok-bg:#f1faf1;--risk:#a4262c;"
    "--risk-bg:#fdf3f4;--info:#0f548c;--info-bg:#ebf3fc;--warn:#7a4f00;--warn-bg:#fff9f0}"
    "*{box-sizing:border-box}"
    "html{font:15px/1.5 \"Segoe UI\",system-ui,-apple-system,\"Helvetica Neue\",Arial,sans-serif;"
    "color:var(--fg);background:var(--bg)}"
    "body{margin:0}"
    "a{color:var(--accent)}a:hover{color:var(--accent-dk)}"
    ":focus-visible{outline:2px solid var(--accent);outline-offset:2px}"
    ".skip{position:absolute;left:-9999px}.skip:focus{left:12px;top:8px;z-index:9;background:#fff;"
    "padding:6px 12px}"
    ".top{background:#1f1f1f;color:#fff}"
    ".top .wrap{display:flex;align-items:center;gap:28px;min-height:48px;flex-wrap:wrap}"
    ".brand{font-weight:600;font-size:16px;color:#fff;text-decoration:none;letter-spacing:.2px}"
    ".brand span{font-weight:400;color:#d6d6d6;margin-left:8px}"
    ".top nav{display:flex;gap:20px}"
    ".top nav a{color:#fff;text-decoration:none;padding:12px 2px 9px;border-bottom:3px solid "
    "transparent}"
    ".top nav a:hover{border-bottom-color:#8a8a8a}"
    ".top nav a.on{border-bottom-color:#479ef5}"
    ".top :focus-visible{outline-color:#fff}"
    ".wrap{max-width:1200px;margin:0 auto;padding:0 24px}"
    "main{display:block;padding-top:20px;padding-bottom:40px}"
    "h1{font-size:28px;line-height:1.25;font-weight:600;margin:4px 0 4px}"
    "h2{font-size:20px;line-height:1.3;font-weight:600;margin:0 0 12px}"
    "h3{font-size:16px;font-weight:600;margin:22px 0 10px}"
    "h4{font-size:15px;font-weight:600;margin:0}"
    "p{margin:0 0 10px}"
    ".crumbs{font-size:14px;color:var(--muted);margin:0}"
    ".crumbs a{color:var(--muted)}"
    ".sub{color:var(--muted);margin:0 0 4px}"
    ".head{display:flex;justify-content:space-between;align-items:flex-end;gap:16px;"
    "flex-wrap:wrap}"
    ".tabs{display:flex;gap:8px;border-bottom:1px solid #d1d1d1;margin:18px 0 20px}"
    ".tabs a{padding:8px 4px 7px;margin-right:16px;color:var(--fg);text-decoration:none;"
    "border-bottom:3px solid transparent}"
    ".tabs a:hover{border-bottom-color:#c7c7c7}"
    ".tabs a.on{border-bottom-color:var(--accent);font-weight:600}"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
    "white-space:nowrap}"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:20px 24px;margin:0 0 20px;box-shadow:0 1px 3px rgba(0,0,0,.07)}"
    ".card>h2:first-child{display:flex;flex-wrap:wrap;align-items:center;gap:10px}"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;"
    "margin:0 0 20px;padding:0;list-style:none}"
    ".tile{display:block;background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:12px 16px;color:inherit;text-decoration:none;height:100%}"
    "a.tile:hover{border-color:var(--accent)}"
    ".tile .n{display:block;font-size:26px;font-weight:600;line-height:1.2}"
    ".tile .k{color:var(--muted);font-size:14px}"
    ".tile.on{border-color:var(--accent);box-shadow:inset 0 -3px 0 var(--accent)}"
    ".dot::before{content:\"\";display:inline-block;width:9px;height:9px;border-radius:50%;"
    "margin-right:6px;background:#8a8a8a;print-color-adjust:exact;-webkit-print-color-adjust:exact}"
    ".dot.active::before{background:#107c10}"
    ".dot.at_risk::before{background:#c50f1f}.dot.qualified::before{background:#0f6cbd}"
    ".dot.gold::before{background:#d4a017}.dot.silver::before{background:#a0a8b0}"
    ".after{margin-top:14px}.nw,time{white-space:nowrap}"
    ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(400px,1fr));gap:0 20px}"
    "@media (max-width:720px){.cols{grid-template-columns:1fr}}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%}"
    "caption{text-align:left;color:var(--muted);font-size:14px;padding:0 0 8px}"
    "th,td{text-align:left;vertical-align:top;padding:10px 12px;border-bottom:1px solid var(--line)}"
    "thead th{font-size:13px;font-weight:600;color:var(--muted);border-bottom-color:#c7c7c7;"
    "white-space:nowrap}"
    "tbody tr:hover{background:#fafafa}tbody th{font-weight:400}tbody th a{font-weight:600}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".id{color:var(--muted);font-size:13px}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 20px;margin:0 0 8px}"
    "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}"
    ".badge{display:inline-block;padding:1px 10px;border-radius:999px;font-size:13px;"
    "font-weight:600;line-height:20px;white-space:nowrap;border:1px solid #d1d1d1;"
    "color:#424242;background:#f5f5f5;vertical-align:middle;print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact}"
    ".st-active{color:var(--ok);background:var(--ok-bg);border-color:#9fd89f}"
    ".st-at_risk{color:var(--risk);background:var(--risk-bg);border-color:#eeacb2}"
    ".st-qualified{color:var(--info);background:var(--info-bg);border-color:#b4d6fa}"
    ".st-expired{color:#616161;background:#f0f0f0;border-color:#d1d1d1}"
    ".st-none{color:#616161;background:#fff;border-color:#e0e0e0;font-weight:400}"
    ".lv-gold{color:#6b4a00;background:#fdf3d0;border-color:#e9c46a}"
    ".lv-silver{color:#3d3d3d;background:#eef0f2;border-color:#b8bec5}"
    ".lv-none{color:#616161;background:#fff;border-color:#e0e0e0;font-weight:400}"
    ".met-yes{color:var(--ok);background:var(--ok-bg);border-color:#9fd89f}"
    ".met-no{color:#616161;background:#fff;border-color:#d1d1d1;font-weight:400}"
    ".met-err{color:var(--risk);background:var(--risk-bg);border-color:#eeacb2}"
    ".chips{display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}"
    ".chips li{display:inline-flex;flex-wrap:wrap;align-items:center;gap:6px;border:1px solid var(--line);"
    "border-radius:6px;padding:2px 8px;font-size:14px;background:#fff}"
    ".callout{border-left:4px solid var(--accent);background:var(--info-bg);padding:10px 16px;"
    "border-radius:4px;margin:12px 0}"
    ".callout.risk{border-left-color:var(--risk);background:var(--risk-bg)}"
    ".callout.warn{border-left-color:#c27c00;background:var(--warn-bg)}"
    ".callout p:last-child{margin:0}"
    ".callout strong{display:block;margin-bottom:2px}"
    ".paths{display:grid;gap:12px}"
    ".path{border:1px solid var(--line);border-radius:8px;padding:14px 16px}"
    ".path.nearest{border-color:var(--accent);box-shadow:inset 4px 0 0 var(--accent)}"
    "details.path>summary{cursor:pointer;list-style:none;margin:0}"
    "details.path>summary::-webkit-details-marker{display:none}"
    ".path-title{font-weight:600}"
    "details.path>summary .path-title::before{content:\"\\25B8\";display:inline-block;width:1.1em;"
    "color:var(--muted);transition:transform .1s}"
    "details.path[open]>summary .path-title::before{transform:rotate(90deg)}"
    "details.path[open]>summary{margin:0 0 8px}"
    ".path-head .sum{color:var(--muted);font-size:14px;font-weight:400;margin-left:auto}"
    ".path-head{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;margin:0 0 8px}"
    ".path-head .tag{font-size:13px;color:var(--accent);font-weight:600}"
    "ul.goals{list-style:none;margin:0;padding:0}"
    "ul.goals>li{padding:8px 0;border-top:1px solid #f0f0f0}"
    "ul.goals>li:first-child{border-top:0}"
    "ul.goals ul.goals{margin:6px 0 0 20px}"
    ".goal-row{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap}"
    ".goal-nums{font-variant-numeric:tabular-nums;white-space:nowrap;font-weight:600}"
    ".goal-lacks{color:var(--muted);font-size:14px;margin:4px 0 0}"
    ".goal-lacks.short{color:var(--risk)}"
    "progress{display:block;width:100%;height:8px;margin:6px 0 0;border:0;border-radius:4px;"
    "background:#e6e6e6;-webkit-appearance:none;appearance:none;overflow:hidden;"
    "print-color-adjust:exact;-webkit-print-color-adjust:exact}"
    "progress::-webkit-progress-bar{background:#e6e6e6;border-radius:4px}"
    "progress::-webkit-progress-value{background:var(--accent);border-radius:4px}"
    "progress::-moz-progress-bar{background:var(--accent);border-radius:4px}"
    "li.met>.goal-row+progress::-webkit-progress-value{background:#107c10}"
    "li.met>.goal-row+progress::-moz-progress-bar{background:#107c10}"
    "ol.timeline{list-style:none;margin:0;padding:0 0 0 18px;border-left:2px solid #d1d1d1}"
    "ol.timeline li{position:relative;padding:0 0 14px 14px}"
    "ol.timeline li:last-child{padding-bottom:0}"
    "ol.timeline li::before{content:\"\";position:absolute;left:-26px;top:5px;width:10px;"
    "height:10px;border-radius:50%;background:#fff;border:3px solid var(--accent)}"
    ".when{color:var(--muted);font-size:14px;margin-right:8px}"
    ".cause{color:var(--muted);font-size:14px;margin:2px 0 0}"
    "ul.plain{margin:0;padding:0 0 0 18px}"
    "form.filters{display:flex;flex-wrap:wrap;gap:12px 16px;align-items:flex-end;margin:0 0 20px}"
    "form.filters .grow{flex:1 1 240px}"
    "form.replay{display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap}"
    "label{display:block;font-size:13px;font-weight:600;margin:0 0 4px}"
    "input,select{font:inherit;color:inherit;padding:6px 8px;border:1px solid #8a8a8a;"
    "border-radius:4px;background:#fff;min-width:150px;width:100%}"
    "button,.button{display:inline-block;font:inherit;font-weight:600;padding:6px 18px;"
    "border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;"
    "cursor:pointer;text-decoration:none}"
    "button:hover,.button:hover{background:var(--accent-dk);color:#fff}"
    ".button.quiet{background:#fff;color:var(--fg);border-color:#8a8a8a}"
    ".pager{display:flex;justify-content:space-between;align-items:center;gap:12px;"
    "flex-wrap:wrap;margin:16px 0 0}"
    ".muted{color:var(--muted)}"
    "pre{white-space:pre-wrap;word-break:break-word;font:13px/1.45 ui-monospace,\"DejaVu Sans "
    "Mono\",monospace;background:#f7f7f7;border:1px solid var(--line);border-radius:4px;"
    "padding:8px 10px;margin:6px 0 0}"
    "code{font:13px ui-monospace,\"DejaVu Sans Mono\",monospace}"
    "footer{color:var(--muted);font-size:13px;padding-bottom:32px}"
    "@media (max-width:720px){.wrap{padding:0 14px}h1{font-size:23px}.card{padding:16px}"
    ".top .wrap{gap:4px 20px;padding-top:6px}.top nav a{padding-top:6px}"
    "dl.facts{grid-template-columns:1fr;gap:0}dl.facts dd{margin:0 0 8px}"
    "th,td{padding:8px}.tiles{grid-template-columns:repeat(3,1fr);gap:8px}"
    ".tile{padding:8px 10px}.tile .n{font-size:20px}"
    "table.stack thead{display:none}table.stack tr{display:block;padding:8px 0;"
    "border-bottom:1px solid var(--line)}table.stack th,table.stack td{display:block;border:0;"
    "padding:2px 0;text-align:left}table.stack td[data-label]::before{content:attr(data-label) \": \";"
    "color:var(--muted);font-size:13px}}"
    "@media print{html{background:#fff;font-size:12px}.top,.skip,.tabs,form,.pager{display:none}"
    "main{padding:0}.card{border:0;border-top:1px solid #bdbdbd;border-radius:0;box-shadow:none;"
    "padding:12px 0;break-inside:avoid-page}.path,.tile{break-inside:avoid}"
    "a{color:inherit;text-decoration:none}tbody tr:hover{background:none}"
    "details::details-content{content-visibility:visible;display:block}"
    "details.path>summary .path-title::before{content:none}}";

void page_begin(page *p, const char *title, int current) {
  html *h = &p->h;
  html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"referrer\" content=\"no-referrer\">\n"
              "<link rel=\"icon\" href=\"data:,\">\n");
  html_f(h, "<title>%s · attain</title>\n<style>", title);
  html_raw(h, style);
  html_raw(h, "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
              "<header class=\"top\"><div class=\"wrap\">");
  if (p->v && p->v->operator) {
    html_raw(h, "<a class=\"brand\" href=\"/orgs\">attain<span>Partner program</span></a>"
                "<nav aria-label=\"Main\">");
    /* the current page: a class and words for screen readers (aria-current would say it
     * too, but tidy 5.6, the validator the tests run, does not know the attribute) */
    html_raw(h, current == PAGE_NAV_ORGS ? "<a class=\"on\" href=\"/orgs\">Organisations"
                                           "<span class=\"vh\"> (this page)</span></a>"
                                         : "<a href=\"/orgs\">Organisations</a>");
    html_raw(h, current == PAGE_NAV_STATUS ? "<a class=\"on\" href=\"/status\">Operations"
                                             "<span class=\"vh\"> (this page)</span></a>"
                                           : "<a href=\"/status\">Operations</a>");
    html_raw(h, "</nav>");
  } else {
    html_raw(h, "<span class=\"brand\">attain<span>Partner program</span></span>");
  }
  html_raw(h, "</div></header>\n<main id=\"main\" class=\"wrap\">\n");
}

void page_end(page *p, const char *note) {
  html_raw(&p->h, "</main>\n<footer class=\"wrap\">");
  if (note) html_text(&p->h, note);
  html_raw(&p->h, "</footer>\n</body>\n</html>\n");
}

void page_respond(http_exchange *x, page *p, int status) {
  /* The pages load nothing but themselves: no script, no other origin, no framing. */
  http_add_header(x, "Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  if (p->h.oom) {
    html_free(&p->h);
    http_respond(x, 500, "text/plain; charset=utf-8", strdup("out of memory\n"), 14);
    return;
  }
  char *body = p->h.buf ? p->h.buf : strdup("");
  size_t len = p->h.len;
  p->h.buf = NULL;
  html_free(&p->h);
  http_respond(x, status, "text/html; charset=utf-8", body, len);
}

void page_org_href(page *p, const char *key, const char *sub, int keep_at,
                   const char *competency) {
  html *h = &p->h;
  html_raw(h, "href=\"/orgs/");
  html_url(h, key);
  html_raw(h, sub);
  char sep = '?';
  if (p->v && !p->v->operator && p->v->exp && p->v->sig) {
    html_raw(h, "?exp=");
    html_url(h, p->v->exp);
    html_raw(h, "&amp;sig=");
    html_url(h, p->v->sig);
    sep = '&';
  }
  if (keep_at && p->at) {
    html_raw(h, sep == '?' ? "?at=" : "&amp;at=");
    html_url(h, p->at);
    sep = '&';
  }
  if (competency) {
    html_raw(h, sep == '?' ? "?competency=" : "&amp;competency=");
    html_url(h, competency);
  }
  html_raw(h, "\"");
}

const char *page_state_words(const char *state) {
  if (!state) return "None";
  if (strcmp(state, "qualified") == 0) return "Qualified";
  if (strcmp(state, "active") == 0) return "Active";
  if (strcmp(state, "at_risk") == 0) return "At risk";
  if (strcmp(state, "expired") == 0) return "Expired";
  return "None";
}

void page_state(page *p, const char *state) {
  const char *cls = state && strcmp(state, "none") != 0 ? state : "none";
  html_f(&p->h, "<span class=\"badge st-%s\">%s</span>", cls, page_state_words(state));
}

void page_level(page *p, int level, const char *none) {
  if (level == RESULT_LEVEL_GOLD)
    html_raw(&p->h, "<span class=\"badge lv-gold\">Gold</span>");
  else if (level == RESULT_LEVEL_SILVER)
    html_raw(&p->h, "<span class=\"badge lv-silver\">Silver</span>");
  else
    html_f(&p->h, "<span class=\"badge lv-none\">%s</span>", none ? none : "None");
}

void page_time(page *p, int64_t t) {
  char iso[ISOTIME_BUFSZ], day[ISOTIME_BUFSZ];
  isotime_format(t, iso);
  isotime_format_date(t, day);
  if (t % 86400 == 0) {
    html_f(&p->h, "<time datetime=\"%s\">%s</time>", iso, day);
  } else {
    char hm[6];
    memcpy(hm, iso + 11, 5); /* HH:MM of YYYY-MM-DDTHH:MM:SSZ */
    hm[5] = 0;
    html_f(&p->h, "<time datetime=\"%s\">%s %s UTC</time>", iso, day, hm);
  }
}

void page_day(page *p, int64_t t) {
  char day[ISOTIME_BUFSZ];
  isotime_format_date(t, day);
  html_f(&p->h, "<time datetime=\"%s\">%s</time>", day, day);
}

void page_number(page *p, double d) {
  char n[TERM_NUMBER_BUFSZ];
  html_text(&p->h, term_number(d, n));
}

void page_words(page *p, const char *s, size_t n) {
  const char *end = s + n;
  while (s < end) {
    const char *w = s;
    while (w < end && *w != ' ' && *w != '/') w++;
    if (memchr(s, '-', (size_t)(w - s))) {
      html_raw(&p->h, "<span class=\"nw\">");
      html_textn(&p->h, s, (size_t)(w - s));
      html_raw(&p->h, "</span>");
    } else {
      html_textn(&p->h, s, (size_t)(w - s));
    }
    if (w < end) html_raw(&p->h, *w == '/' ? "/<wbr>" : " ");
    s = w + (w < end);
  }
}

const char *page_param(http_exchange *x, const char *name) {
  const char *v = http_query(x, name);
  return v && *v ? v : NULL;
}

int page_at(http_exchange *x, const http_page_viewer *v, int64_t *at, const char **given) {
  *at = (int64_t)time(NULL); /* the request's one clock read, injected into what follows */
  *given = page_param(x, "at");
  if (*given && isotime_parse(*given, at)) {
    http_pages_error(x, v, 400, "Not a time",
                     "?at= must be an ISO 8601 time, such as 2026-11-25 or 2026-11-25T10:00:00Z.");
    return -1;
  }
  return 0;
}

void http_pages_error(http_exchange *x, const http_page_viewer *v, int status, const char *title,
                      const char *message) {
  page p = {.v = v};
  html_init(&p.h);
  page_begin(&p, title, PAGE_NAV_NONE);
  html_f(&p.h, "<div class=\"card\"><h1>%s</h1>\n<p>%s</p>\n", title, message);
  if (v && v->operator) html_raw(&p.h, "<p><a href=\"/orgs\">Organisations</a></p>\n");
  html_f(&p.h, "<p class=\"muted\">HTTP %d</p></div>\n", status);
  page_end(&p, NULL);
  page_respond(x, &p, status);
}
