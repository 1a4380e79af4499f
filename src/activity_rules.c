/* activity_rules.c — the pure rules of activities (activity.h): kinds and
 * audiences, the booking window, cancellation and check-in times, the
 * low-participation rule, the near rule, Asia/Shanghai times, labels. No I/O
 * but the random check-in code. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "activity.h"
#include "core/util.h"
#include "ui/i18n.h"

/* ---- pure logic --------------------------------------------------------------- */

const char *const activity_kinds[] = {
    "parent_class", "guidance_day", "culture_day", "volunteer_service",
    "study_tour",   "training",     NULL};
const char *const activity_audiences[] = {"parents", "volunteers", "all", NULL};
const char *const activity_statuses[] = {"open", "done", "cancelled", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

int activity_kind_ok(const char *s)
{
    return in_list(activity_kinds, s);
}

int activity_audience_ok(const char *s)
{
    return in_list(activity_audiences, s);
}

const char *activity_times_bad(int64_t starts, int64_t ends, int64_t opens, int64_t closes,
                               int64_t cancel_until)
{
    if (ends <= starts || ends - starts > 31 * 86400) return "ends_at";
    if (closes > starts) return "booking_closes";
    if (opens >= closes) return "booking_opens";
    if (cancel_until > starts) return "cancel_until";
    return NULL;
}

BookWindow activity_window(const Activity *a, int64_t now)
{
    if (now < a->booking_opens) return WINDOW_NOT_YET;
    if (now >= a->booking_closes) return WINDOW_CLOSED;
    return WINDOW_OPEN;
}

int activity_may_cancel(const Activity *a, int64_t now)
{
    return now <= a->cancel_until;
}

int activity_checkin_time_ok(const Activity *a, int64_t now, int organiser)
{
    if (now < a->starts_at - 3600) return 0;
    return organiser || now <= a->ends_at + 3600;
}

int activity_low_participation(int64_t attended, int64_t capacity)
{
    return attended * 100 < capacity * 60;
}

double activity_low_share(int64_t low, int64_t held)
{
    return held > 0 ? 100.0 * (double)low / (double)held : -1;
}

int activity_near(const char *org_path, const char *grant_path)
{
    if (!org_path || !grant_path) return 0;
    size_t a = strlen(org_path), g = strlen(grant_path);
    return (a >= g && !strncmp(org_path, grant_path, g)) ||
           (g >= a && !strncmp(grant_path, org_path, a));
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

/* The civil date of a day count since 1970-01-01. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

enum { TZ = 8 * 3600 }; /* Asia/Shanghai, no daylight saving */

int64_t activity_local_time(int y, int mon, int d, int h, int mi)
{
    return days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 - TZ;
}

void activity_month_of(int64_t t, int *year, int *month, int64_t *from, int64_t *to)
{
    int64_t local = t + TZ;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (year) *year = y;
    if (month) *month = m;
    if (from) *from = activity_local_time(y, m, 1, 0, 0);
    if (to)
        *to = m == 12 ? activity_local_time(y + 1, 1, 1, 0, 0)
                      : activity_local_time(y, m + 1, 1, 0, 0);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int activity_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0;
    if (!s || strlen(s) < 16) return 0;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi))
        return 0;
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec)) return 0;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') return 0;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int64_t off = TZ;
    if (*p == 'Z' && !p[1]) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 14 || om > 59) return 0;
        off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else if (*p) {
        return 0;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 ||
        d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 || sec > 59)
        return 0;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 1;
}

/* The Asia/Shanghai wall clock of t. */
static void local_parts(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *sec)
{
    int64_t local = t + TZ;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t rest = local - days * 86400;
    civil_from_days(days, y, mo, d);
    *h = (int)(rest / 3600);
    *mi = (int)(rest / 60 % 60);
    *sec = (int)(rest % 60);
}

char *activity_time_text(Arena *a, int64_t t)
{
    int y, mo, d, h, mi, sec;
    local_parts(t, &y, &mo, &d, &h, &mi, &sec);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, mo, d, h, mi, sec);
}

char *activity_time_input(Arena *a, int64_t t)
{
    int y, mo, d, h, mi, sec;
    local_parts(t, &y, &mo, &d, &h, &mi, &sec);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d", y, mo, d, h, mi);
}

void activity_new_code(char out[7])
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 6; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[6] = 0;
}

/* ---- labels ---------------------------------------------------------------------- */

const char *activity_kind_label(Req *r, const char *k)
{
    if (!k) return "";
    if (!strcmp(k, "parent_class")) return T(r, "Parent class");
    if (!strcmp(k, "guidance_day")) return T(r, "Family-education guidance day");
    if (!strcmp(k, "culture_day")) return T(r, "Community culture day");
    if (!strcmp(k, "volunteer_service")) return T(r, "Volunteer service");
    if (!strcmp(k, "study_tour")) return T(r, "Study tour");
    if (!strcmp(k, "training")) return T(r, "Training");
    return k;
}

const char *activity_audience_label(Req *r, const char *a)
{
    if (!a) return "";
    if (!strcmp(a, "parents")) return T(r, "Parents");
    if (!strcmp(a, "volunteers")) return T(r, "Volunteers");
    if (!strcmp(a, "all")) return T(r, "Everyone");
    return a;
}

const char *activity_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "open")) return T(r, "Open for booking");
    if (!strcmp(s, "done")) return T(r, "Held");
    if (!strcmp(s, "cancelled")) return T(r, "Cancelled");
    return s;
}

const char *booking_status_label(Req *r, const char *s)
{
    if (!s) return "";
    if (!strcmp(s, "booked")) return T(r, "Booked");
    if (!strcmp(s, "waiting")) return T(r, "On the waiting list");
    if (!strcmp(s, "cancelled")) return T(r, "Cancelled");
    if (!strcmp(s, "attended")) return T(r, "Attended");
    return s;
}

const char *activity_org_name(Req *r, const Activity *a)
{
    if (!strcmp(r->lang, "en") && a->org_name_en && *a->org_name_en) return a->org_name_en;
    return a->org_name ? a->org_name : "";
}

const char *activity_why_text(Req *r, ActWhy why, const Activity *a)
{
    switch (why) {
    case WHY_NOT_OPEN:
        return arena_printf(r->arena, "%s (%s)", T(r, "The activity is no longer open"),
                            a && a->status ? a->status : "");
    case WHY_NOT_YET:
        return arena_printf(r->arena, "%s %s", T(r, "Booking opens at"),
                            a ? fmt_time(r->arena, a->booking_opens) : "");
    case WHY_CLOSED:
        return arena_printf(r->arena, "%s %s", T(r, "Booking closed at"),
                            a ? fmt_time(r->arena, a->booking_closes) : "");
    case WHY_ALREADY:
        return T(r, "You have already booked this activity.");
    case WHY_DEADLINE:
        return arena_printf(r->arena, "%s %s", T(r, "Bookings could be cancelled until"),
                            a ? fmt_time(r->arena, a->cancel_until) : "");
    case WHY_STATUS:
        return T(r, "Only a booking that is booked or waiting can change; allowed: none.");
    case WHY_WAITING:
        return T(r, "This booking is still on the waiting list.");
    case WHY_TIME:
        return T(r, "Check-in is possible from one hour before the start to one hour after the "
                    "end.");
    case WHY_ATTENDED:
        return T(r, "People have checked in to this activity: close it instead.");
    case WHY_NOT_STARTED:
        return T(r, "An activity can be closed once it has started.");
    case WHY_CAPACITY:
        return T(r, "The capacity cannot go below the seats booked.");
    case WHY_RACE:
        return T(r, "It was changed by someone else meanwhile; reload and try again.");
    default:
        return T(r, "Conflict.");
    }
}
