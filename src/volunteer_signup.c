/* volunteer_signup.c — the sign-up page (public: a new account that stays
 * inactive until the pool's organiser approves) and, for a logged-in person, the
 * application to a pool with their own account (see volunteer.h). Phone-first,
 * complete without JavaScript. */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "ui/html.h"
#include "ui/i18n.h"
#include "ui/layout.h"
#include "volunteer.h"

#define S_(x) ((x) ? (x) : "")

static void field_error(Req *r, const VolInput *in, const char *field)
{
    if (in && in->bad_field && !strcmp(in->bad_field, field))
        hf(r, "<span class=field-error>%s</span>", in->why);
}

/* The pool select: active pools by kind, `current` (id or code) selected. */
static void pool_select(Req *r, const char *current)
{
    hf(r, "<label>%s<select name=pool required><option value=\"\">%s</option>",
       T(r, "Volunteer pool"), T(r, "Choose a pool"));
    for (const char *const *k = volunteer_pool_kinds; *k; k++) {
        DbStmt *s =
            db_q(r->db,
                 "SELECT " POOL_COLS " FROM volunteer_pools p JOIN orgs o ON o.id = p.org_id"
                 " WHERE p.active = 1 AND p.kind = ? ORDER BY o.path, p.code",
                 "s", *k);
        int first = 1;
        while (s && db_step(s) == DB_ROW) {
            Pool p;
            pool_row(s, 0, r->arena, &p);
            if (first) hf(r, "<optgroup label=\"%s\">", volunteer_kind_label(r, *k));
            first = 0;
            const char *idt = arena_printf(r->arena, "%lld", (long long)p.id);
            int sel = current && (!strcmp(current, p.code) || !strcmp(current, idt));
            hf(r, "<option value=\"%s\"%s>%s · %s</option>", p.code, sel ? " selected" : "",
               pool_name(r, &p), pool_org_name(r, &p));
        }
        db_done(s);
        if (!first) H(r, "</optgroup>");
    }
    H(r, "</select>");
}

static void consent_box(Req *r, const VolInput *in)
{
    hf(r,
       "<fieldset><legend>%s</legend><p class=note>%s</p><label class=check><input type=checkbox "
       "name=consent value=1%s> %s</label>",
       T(r, "Consent"),
       T(r, "We keep only your name, mobile number, affiliation, skills and availability, to "
            "arrange volunteer service. The organisers of your pool see them; nobody else does. "
            "You can leave at any time, and your contact data is then no longer used."),
       in && in->consent ? " checked" : "",
       T(r, "I agree to the use of my contact data as described"));
    field_error(r, in, "consent");
    hf(r, "<small class=meta>%s %s</small></fieldset>", T(r, "Consent text version"),
       VOLUNTEER_CONSENT_VERSION);
}

/* The contact fields shared by both forms. */
static void contact_fields(Req *r, const VolInput *in)
{
    hf(r, "<label>%s<input name=name required maxlength=100 autocomplete=name value=\"%s\">",
       T(r, "Name"), S_(in ? in->name : NULL));
    field_error(r, in, "name");
    hf(r,
       "</label><label>%s<input name=phone type=tel inputmode=numeric maxlength=11 "
       "autocomplete=tel placeholder=\"13912345678\" value=\"%s\">",
       T(r, "Mobile number (optional)"), S_(in ? in->phone : NULL));
    field_error(r, in, "phone");
    hf(r, "</label><label>%s<input name=affiliation maxlength=200 value=\"%s\" placeholder=\"%s\">",
       T(r, "Affiliation"), S_(in ? in->affiliation : NULL),
       T(r, "university, community, former school"));
    field_error(r, in, "affiliation");
    hf(r,
       "</label><label>%s<textarea name=skills rows=2 maxlength=500 "
       "placeholder=\"%s\">%s</textarea>",
       T(r, "Skills"), T(r, "e.g. music, tutoring, counselling"), S_(in ? in->skills : NULL));
    field_error(r, in, "skills");
    hf(r,
       "</label><label>%s<input name=availability maxlength=500 value=\"%s\" placeholder=\"%s\">",
       T(r, "Availability"), S_(in ? in->availability : NULL), T(r, "e.g. weekends, July"));
    field_error(r, in, "availability");
    H(r, "</label>");
}

static void signup_form(Req *r, const VolInput *in, const char *pool)
{
    hf(r, "<form method=post action=\"/volunteers/signup\" class=card><h2>%s</h2>",
       T(r, "Sign up as a volunteer"));
    pool_select(r, in ? in->pool : pool);
    field_error(r, in, "pool");
    H(r, "</label>");
    contact_fields(r, in);
    hf(r,
       "<label>%s<input name=login required maxlength=64 autocapitalize=none autocomplete=username "
       "value=\"%s\"><small class=meta>%s</small>",
       T(r, "Login name"), S_(in ? in->login : NULL),
       T(r, "a-z, 0-9, '.', '_' and '-'; you log in with it once approved"));
    field_error(r, in, "login");
    hf(r,
       "</label><label>%s<input name=password type=password required minlength=10 maxlength=128 "
       "autocomplete=new-password><small class=meta>%s</small>",
       T(r, "Password"), T(r, "at least 10 characters"));
    field_error(r, in, "password");
    H(r, "</label>");
    consent_box(r, in);
    hf(r, "<button>%s</button></form>", T(r, "Sign up"));
}

static void apply_form(Req *r, const VolInput *in, const char *pool)
{
    hf(r, "<form method=post action=\"/volunteers/apply\" class=card><h2>%s</h2>",
       T(r, "Apply to a volunteer pool"));
    form_csrf(r);
    pool_select(r, in ? in->pool : pool);
    field_error(r, in, "pool");
    H(r, "</label>");
    VolInput dflt = {.name = r->auth.name};
    contact_fields(r, in ? in : &dflt);
    consent_box(r, in);
    hf(r, "<button>%s</button></form>", T(r, "Apply"));
}

static void page_top(Req *r, int status)
{
    page_begin(r, T(r, "Volunteer sign-up"));
    r->status = status;
    hf(r, "<h1>%s</h1><p class=lead>%s</p>", T(r, "Become a volunteer"),
       T(r, "Silver-age teachers, university student teams, community and parent volunteers "
            "serve the schools of the programme. The organiser of the pool you choose approves "
            "your application."));
}

void volunteer_signup_page(Req *r)
{
    const char *pool = req_query(r, "pool"), *done = req_query(r, "done");
    page_top(r, 200);
    if (done) {
        page_notice(r, "ok",
                    T(r, "Thank you. Your application awaits approval by the organiser of the "
                         "pool; you can log in once it is approved."));
        hf(r, "<p><a class=button href=\"/login\">%s</a></p>", T(r, "Log in"));
        page_end(r);
        return;
    }
    if (!r->auth.user_id) {
        hf(r, "<p>%s <a href=\"/login?next=/volunteers/signup\">%s</a></p>",
           T(r, "Already have an account?"), T(r, "Log in and apply with it"));
        signup_form(r, NULL, pool);
        page_end(r);
        return;
    }
    Volunteer v;
    int f = volunteer_load_user(r->db, r->arena, r->auth.user_id, &v);
    if (f == 1 && (!strcmp(v.status, "pending") || !strcmp(v.status, "approved"))) {
        if (req_query(r, "applied")) page_notice(r, "ok", T(r, "Your application was received."));
        hf(r,
           "<section class=card><h2>%s</h2><dl class=facts><dt>%s</dt><dd>%s · %s</dd>"
           "<dt>%s</dt><dd><span class=tag>%s</span></dd></dl>",
           T(r, "Your volunteer record"), T(r, "Pool"), pool_name(r, &v.pool),
           pool_org_name(r, &v.pool), T(r, "Status"), volunteer_status_label(r, v.status));
        if (!strcmp(v.status, "approved"))
            hf(r, "<p><a class=button href=\"/m/hours\">%s</a> <a href=\"/m/points\">%s</a></p>",
               T(r, "My hours"), T(r, "My points"));
        H(r, "</section>");
        page_end(r);
        return;
    }
    apply_form(r, NULL, pool);
    page_end(r);
}

/* The form's contact fields into in. */
static void read_form(Req *r, VolInput *in)
{
    const char *v;
    in->pool = req_form(r, "pool");
    if ((v = req_form(r, "name"))) in->name = v, in->has_name = 1;
    if ((v = req_form(r, "phone"))) in->phone = v, in->has_phone = 1;
    if ((v = req_form(r, "affiliation"))) in->affiliation = v, in->has_affiliation = 1;
    if ((v = req_form(r, "skills"))) in->skills = v, in->has_skills = 1;
    if ((v = req_form(r, "availability"))) in->availability = v, in->has_availability = 1;
    v = req_form(r, "consent");
    in->consent = v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes"));
}

void volunteer_signup_submit(Req *r)
{
    VolInput in = {0};
    read_form(r, &in);
    in.login = req_form(r, "login");
    in.password = req_form(r, "password");
    Volunteer v;
    VolResult res = volunteer_signup(r, &in, &v);
    if (res == VOL_OK) {
        req_redirect(r, arena_printf(r->arena, "/volunteers/signup?done=%s",
                                     url_encode(r->arena, v.pool.code)));
        return;
    }
    if (res == VOL_THROTTLED) {
        req_add_header(r, "Retry-After", "900");
        page_error(
            r, 429,
            T(r, "Too many sign-ups from this address. Please wait 15 minutes and try again."));
        return;
    }
    if (res != VOL_INVALID) {
        page_error(r, 503, T(r, "The service is busy. Please try again."));
        return;
    }
    page_top(r, 422);
    page_notice(
        r, "error",
        arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), S_(in.bad_field), S_(in.why)));
    signup_form(r, &in, NULL);
    page_end(r);
}

void volunteer_apply_submit(Req *r)
{
    VolInput in = {0};
    read_form(r, &in);
    Volunteer v;
    const char *why = NULL;
    VolResult res = volunteer_apply(r, &in, 1, &v, &why);
    switch (res) {
    case VOL_OK:
        req_redirect(r, "/volunteers/signup?applied=1");
        return;
    case VOL_INVALID:
        page_top(r, 422);
        page_notice(
            r, "error",
            arena_printf(r->arena, "%s: %s %s", T(r, "Not saved"), S_(in.bad_field), S_(in.why)));
        apply_form(r, &in, NULL);
        page_end(r);
        return;
    case VOL_CONFLICT:
        page_error(r, 409, why ? why : T(r, "Conflict."));
        return;
    case VOL_FORBIDDEN:
        page_error(r, 403, why ? why : T(r, "You do not have permission to do this."));
        return;
    default:
        page_error(r, 503, T(r, "The service is busy. Please try again."));
    }
}
