/* match.c — the exact matcher (min-cost flow) and the greedy baseline; see match.h. */
#include "core/match.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

MatchParams match_params_default(int32_t today)
{
    MatchParams p = {.today = today,
                     .continuity = 100,
                     .reach_county = 20,
                     .reach_prefecture = 10,
                     .reach_region = 0,
                     .date_max = 10,
                     .date_horizon = 365};
    return p;
}

int32_t match_day(const char *s)
{
    if (!s || strlen(s) < 10) return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
        return 0;
    /* days from civil (H. Hinnant) */
    y -= m <= 2;
    int era = y / 400, yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static int supply_cmp(const void *a, const void *b)
{
    const MatchSupply *x = a, *y = b;
    if (x->school_id != y->school_id) return x->school_id < y->school_id ? -1 : 1;
    if (x->provider_id != y->provider_id) return x->provider_id < y->provider_id ? -1 : 1;
    return 0;
}

void match_supplies_sort(MatchSupply *s, int n)
{
    if (s && n > 1) qsort(s, (size_t)n, sizeof *s, supply_cmp);
}

static int supplied(const MatchSupply *s, int n, int64_t school, int64_t provider)
{
    MatchSupply key = {school, provider};
    return s && n > 0 && bsearch(&key, s, (size_t)n, sizeof *s, supply_cmp) != NULL;
}

static int empty(const char *s) { return !s || !*s; }

/* The parts that do not depend on category and subject (checked by the caller):
 * reach and dates. -1 when not allowed. */
static int weight_rest(const MatchNeed *n, const MatchResource *res, const MatchParams *p,
                       const MatchSupply *sup, int nsup, MatchParts *parts)
{
    /* reach: the nearest level that holds the school */
    char level = 0;
    for (int k = 0; k < res->nreach; k++) {
        int64_t o = res->reach[k];
        if (o == n->school_id || o == n->county_id) {
            level = MATCH_REACH_COUNTY;
            break;
        }
        if (o == n->prefecture_id) level = MATCH_REACH_PREFECTURE;
        else if (o == n->region_id && level != MATCH_REACH_PREFECTURE) level = MATCH_REACH_REGION;
    }
    if (!level) return -1;
    /* dates: [from, to] overlaps [today, max(today, wanted_by)] */
    int32_t end = n->wanted_by ? (n->wanted_by > p->today ? n->wanted_by : p->today) : INT32_MAX;
    if (res->from > end || res->to < p->today) return -1;
    MatchParts q;
    int pr = n->priority < 1 ? 1 : n->priority > 5 ? 5 : n->priority;
    q.priority = 100 * pr;
    q.continuity = supplied(sup, nsup, n->school_id, res->provider_id) ? p->continuity : 0;
    q.reach = level == MATCH_REACH_COUNTY       ? p->reach_county
              : level == MATCH_REACH_PREFECTURE ? p->reach_prefecture
                                                : p->reach_region;
    q.date = 0;
    if (n->wanted_by && p->date_horizon > 0) {
        int64_t left = (int64_t)n->wanted_by - p->today;
        if (4 * left < p->date_horizon) q.date = p->date_max;
        else if (2 * left < p->date_horizon) q.date = p->date_max / 2;
    }
    q.level = level;
    if (parts) *parts = q;
    return q.priority + q.continuity + q.reach + q.date;
}

int match_weight(const MatchNeed *n, const MatchResource *res, const MatchParams *p,
                 const MatchSupply *supplies, int nsupplies, MatchParts *parts)
{
    if (!n->category || !res->category || strcmp(n->category, res->category) != 0) return -1;
    if (!empty(n->subject) && !empty(res->subject) && strcmp(n->subject, res->subject) != 0)
        return -1;
    return weight_rest(n, res, p, supplies, nsupplies, parts);
}

/* ---- interning: strings to small ids -------------------------------------- */

typedef struct Intern {
    const char **key;
    int *val;
    int cap, n;
} Intern;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The id of s (0 for NULL or ""); -1 when memory ran out. */
static int intern(Intern *t, const char *s)
{
    if (empty(s)) return 0;
    if (2 * (t->n + 1) > t->cap) {
        int ncap = t->cap ? 2 * t->cap : 64;
        const char **nk = calloc((size_t)ncap, sizeof *nk);
        int *nv = calloc((size_t)ncap, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return -1;
        }
        for (int i = 0; i < t->cap; i++)
            if (t->key[i]) {
                size_t h = fnv(t->key[i]) & (size_t)(ncap - 1);
                while (nk[h]) h = (h + 1) & (size_t)(ncap - 1);
                nk[h] = t->key[i];
                nv[h] = t->val[i];
            }
        free(t->key);
        free(t->val);
        t->key = nk;
        t->val = nv;
        t->cap = ncap;
    }
    size_t h = fnv(s) & (size_t)(t->cap - 1);
    while (t->key[h]) {
        if (strcmp(t->key[h], s) == 0) return t->val[h];
        h = (h + 1) & (size_t)(t->cap - 1);
    }
    t->key[h] = s;
    t->val[h] = ++t->n;
    return t->n;
}

static void intern_free(Intern *t)
{
    free(t->key);
    free(t->val);
}

/* ---- the allowed pairs ------------------------------------------------------ */

typedef struct Edge {
    int need, res, weight, comp;
} Edge;

typedef struct Pairs {
    Edge *e;
    int64_t n, cap;
    MatchSupply *sup; /* sorted copy */
    int nsup;
} Pairs;

static void pairs_free(Pairs *ps)
{
    free(ps->e);
    free(ps->sup);
}

static int edge_cmp(const void *a, const void *b)
{
    const Edge *x = a, *y = b;
    if (x->comp != y->comp) return x->comp < y->comp ? -1 : 1;
    if (x->need != y->need) return x->need < y->need ? -1 : 1;
    return x->res < y->res ? -1 : x->res > y->res;
}

/* Every allowed pair with positive amounts on both sides, into ps. 0 or -1. */
static int pairs_build(const MatchInput *in, const MatchParams *p, Pairs *ps)
{
    memset(ps, 0, sizeof *ps);
    int rc = -1;
    Intern cats = {0}, subs = {0};
    int *ncat = NULL, *nsub = NULL, *rcat = NULL, *rsub = NULL, *order = NULL, *start = NULL;
    if (in->nsupplies > 0) {
        ps->sup = malloc((size_t)in->nsupplies * sizeof *ps->sup);
        if (!ps->sup) goto out;
        memcpy(ps->sup, in->supplies, (size_t)in->nsupplies * sizeof *ps->sup);
        ps->nsup = in->nsupplies;
        match_supplies_sort(ps->sup, ps->nsup);
    }
    size_t nn = (size_t)(in->nneeds > 0 ? in->nneeds : 0),
           nr = (size_t)(in->nresources > 0 ? in->nresources : 0);
    ncat = calloc(nn + 1, sizeof *ncat);
    nsub = calloc(nn + 1, sizeof *nsub);
    rcat = calloc(nr + 1, sizeof *rcat);
    rsub = calloc(nr + 1, sizeof *rsub);
    order = calloc(nr + 1, sizeof *order);
    if (!ncat || !nsub || !rcat || !rsub || !order) goto out;
    for (size_t j = 0; j < nr; j++) {
        const MatchResource *r = &in->resources[j];
        if ((rcat[j] = intern(&cats, r->category)) < 0 || (rsub[j] = intern(&subs, r->subject)) < 0)
            goto out;
    }
    for (size_t i = 0; i < nn; i++) {
        const MatchNeed *n = &in->needs[i];
        if ((ncat[i] = intern(&cats, n->category)) < 0 || (nsub[i] = intern(&subs, n->subject)) < 0)
            goto out;
    }
    /* resources grouped by category (counting sort), empty capacity left out */
    start = calloc((size_t)cats.n + 2, sizeof *start);
    if (!start) goto out;
    for (size_t j = 0; j < nr; j++)
        if (rcat[j] && in->resources[j].capacity > 0) start[rcat[j] + 1]++;
    for (int c = 0; c <= cats.n; c++) start[c + 1] += start[c];
    {
        int *fill = calloc((size_t)cats.n + 1, sizeof *fill);
        if (!fill) goto out;
        for (size_t j = 0; j < nr; j++)
            if (rcat[j] && in->resources[j].capacity > 0)
                order[start[rcat[j]] + fill[rcat[j]]++] = (int)j;
        free(fill);
    }
    for (size_t i = 0; i < nn; i++) {
        const MatchNeed *n = &in->needs[i];
        if (!ncat[i] || n->quantity <= 0) continue;
        for (int k = start[ncat[i]]; k < start[ncat[i] + 1]; k++) {
            int j = order[k];
            if (nsub[i] && rsub[j] && nsub[i] != rsub[j]) continue;
            int w = weight_rest(n, &in->resources[j], p, ps->sup, ps->nsup, NULL);
            if (w <= 0) continue;
            if (ps->n == ps->cap) {
                int64_t ncap = ps->cap ? 2 * ps->cap : 1024;
                Edge *ne = realloc(ps->e, (size_t)ncap * sizeof *ne);
                if (!ne) goto out;
                ps->e = ne;
                ps->cap = ncap;
            }
            ps->e[ps->n++] = (Edge){(int)i, j, w, 0};
        }
    }
    rc = 0;
out:
    intern_free(&cats);
    intern_free(&subs);
    free(ncat);
    free(nsub);
    free(rcat);
    free(rsub);
    free(order);
    free(start);
    if (rc) pairs_free(ps);
    return rc;
}

/* ---- min-cost flow on one component ---------------------------------------- */

typedef struct Arc {
    int to, rev;
    int64_t cap;
    int64_t cost;
} Arc;

typedef struct Flow {
    int nv;
    int *start; /* nv + 1 */
    Arc *arc;
    int64_t *pot, *dist;
    int *level, *iter, *queue, *path;
    /* heap of (dist, node) */
    int64_t *hk;
    int *hv;
    int hn;
} Flow;

static void heap_push(Flow *f, int64_t k, int v)
{
    int i = f->hn++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (f->hk[p] <= k) break;
        f->hk[i] = f->hk[p];
        f->hv[i] = f->hv[p];
        i = p;
    }
    f->hk[i] = k;
    f->hv[i] = v;
}

static void heap_pop(Flow *f, int64_t *k, int *v)
{
    *k = f->hk[0];
    *v = f->hv[0];
    int64_t lk = f->hk[--f->hn];
    int lv = f->hv[f->hn];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= f->hn) break;
        if (c + 1 < f->hn && f->hk[c + 1] < f->hk[c]) c++;
        if (f->hk[c] >= lk) break;
        f->hk[i] = f->hk[c];
        f->hv[i] = f->hv[c];
        i = c;
    }
    f->hk[i] = lk;
    f->hv[i] = lv;
}

#define INF64 (INT64_MAX / 4)

static int64_t rcost(const Flow *f, int u, const Arc *a) { return a->cost + f->pot[u] - f->pot[a->to]; }

/* Dijkstra from node 0 over residual arcs with reduced costs, stopping when the
 * sink (1) is settled; then pot += min(dist, dist[sink]). Returns 0 when the sink
 * is unreachable. */
static int dijkstra(Flow *f)
{
    for (int v = 0; v < f->nv; v++) f->dist[v] = INF64;
    f->hn = 0;
    f->dist[0] = 0;
    heap_push(f, 0, 0);
    int64_t dt = INF64;
    while (f->hn) {
        int64_t d;
        int u;
        heap_pop(f, &d, &u);
        if (d > f->dist[u]) continue;
        if (u == 1) {
            dt = d;
            break;
        }
        for (int a = f->start[u]; a < f->start[u + 1]; a++) {
            const Arc *x = &f->arc[a];
            if (x->cap <= 0) continue;
            int64_t nd = d + rcost(f, u, x);
            if (nd < f->dist[x->to]) {
                f->dist[x->to] = nd;
                heap_push(f, nd, x->to);
            }
        }
    }
    if (dt == INF64) return 0;
    for (int v = 0; v < f->nv; v++) f->pot[v] += f->dist[v] < dt ? f->dist[v] : dt;
    return 1;
}

/* BFS levels from the source over admissible arcs (residual, reduced cost 0).
 * Whether the sink was reached. */
static int bfs_levels(Flow *f)
{
    for (int v = 0; v < f->nv; v++) f->level[v] = -1;
    int qh = 0, qt = 0;
    f->queue[qt++] = 0;
    f->level[0] = 0;
    while (qh < qt) {
        int u = f->queue[qh++];
        for (int a = f->start[u]; a < f->start[u + 1]; a++) {
            const Arc *x = &f->arc[a];
            if (x->cap > 0 && f->level[x->to] < 0 && rcost(f, u, x) == 0) {
                f->level[x->to] = f->level[u] + 1;
                f->queue[qt++] = x->to;
            }
        }
    }
    return f->level[1] >= 0;
}

/* One blocking flow along the levels (iterative DFS with current-arc pointers). */
static void blocking_flow(Flow *f)
{
    for (int v = 0; v < f->nv; v++) f->iter[v] = f->start[v];
    int top = 0, u = 0;
    for (;;) {
        if (u == 1) {
            int64_t b = INF64;
            for (int k = 0; k < top; k++)
                if (f->arc[f->path[k]].cap < b) b = f->arc[f->path[k]].cap;
            int first = -1;
            for (int k = 0; k < top; k++) {
                Arc *x = &f->arc[f->path[k]];
                x->cap -= b;
                f->arc[x->rev].cap += b;
                if (x->cap == 0 && first < 0) first = k;
            }
            top = first;
            u = top == 0 ? 0 : f->arc[f->path[top - 1]].to;
            continue;
        }
        int advanced = 0;
        for (; f->iter[u] < f->start[u + 1]; f->iter[u]++) {
            const Arc *x = &f->arc[f->iter[u]];
            if (x->cap > 0 && f->level[x->to] == f->level[u] + 1 && rcost(f, u, x) == 0) {
                f->path[top++] = f->iter[u];
                u = x->to;
                advanced = 1;
                break;
            }
        }
        if (advanced) continue;
        if (u == 0) return;
        f->level[u] = -1; /* dead end */
        int a = f->path[--top];
        u = f->arc[f->arc[a].rev].to;
        f->iter[u]++;
    }
}

typedef struct Work {
    Flow f;
    int *loc_need, *loc_res; /* global index → local node, or -1 */
    int *node_idx;           /* local node → global need / resource index */
} Work;

/* Solves the component whose edges are e[0..ne), appending pairs to out.
 * Buffers in w are sized for the largest component. Local nodes: 0 source,
 * 1 sink, then needs and resources; node_idx[v] is a need's index, or
 * -(index + 1) for a resource. */
static void solve_component(const MatchInput *in, Work *w, const Edge *e, int ne, MatchResult *out)
{
    Flow *f = &w->f;
    int nv = 2;
    for (int k = 0; k < ne; k++) {
        if (w->loc_need[e[k].need] < 0) w->node_idx[w->loc_need[e[k].need] = nv++] = e[k].need;
        if (w->loc_res[e[k].res] < 0) w->node_idx[w->loc_res[e[k].res] = nv++] = -(e[k].res + 1);
    }
    f->nv = nv;
    /* arcs: source→need, need→resource, resource→sink (each with its reverse) */
    for (int v = 0; v <= nv; v++) f->start[v] = 0;
    for (int k = 0; k < ne; k++) {
        f->start[w->loc_need[e[k].need] + 1]++;
        f->start[w->loc_res[e[k].res] + 1]++;
    }
    for (int v = 2; v < nv; v++) {
        f->start[v + 1]++;
        f->start[w->node_idx[v] >= 0 ? 1 : 2]++; /* source (0) or sink (1) side */
    }
    for (int v = 0; v < nv; v++) f->start[v + 1] += f->start[v];
    int *fill = f->iter; /* reused as a cursor */
    for (int v = 0; v < nv; v++) fill[v] = f->start[v];
#define ARC(u, v, c, w_)                                                                         \
    do {                                                                                         \
        int a_ = fill[u]++, b_ = fill[v]++;                                                      \
        f->arc[a_] = (Arc){(v), b_, (c), (w_)};                                                  \
        f->arc[b_] = (Arc){(u), a_, 0, -(w_)};                                                   \
    } while (0)
    for (int v = 2; v < nv; v++) {
        int g = w->node_idx[v];
        f->pot[v] = 0;
        if (g >= 0) ARC(0, v, in->needs[g].quantity, 0);
        else ARC(v, 1, in->resources[-g - 1].capacity, 0);
    }
    for (int k = 0; k < ne; k++) {
        int u = w->loc_need[e[k].need], v = w->loc_res[e[k].res];
        int64_t c = in->needs[e[k].need].quantity;
        if (in->resources[e[k].res].capacity < c) c = in->resources[e[k].res].capacity;
        ARC(u, v, c, -(int64_t)e[k].weight);
        if (-(int64_t)e[k].weight < f->pot[v]) f->pot[v] = -(int64_t)e[k].weight;
    }
#undef ARC
    /* initial potentials (the graph is a DAG): source and needs 0, a resource the
     * cheapest arc into it, the sink the least of those */
    f->pot[0] = 0;
    f->pot[1] = 0;
    for (int v = 2; v < nv; v++)
        if (f->pot[v] < f->pot[1]) f->pot[1] = f->pot[v];
    for (;;) {
        if (!dijkstra(f)) break;
        if (f->pot[1] - f->pot[0] >= 0) break; /* no negative-cost path is left */
        out->phases++;
        while (bfs_levels(f)) blocking_flow(f);
    }
    /* read the flow off the need→resource arcs */
    for (int v = 2; v < nv; v++) {
        int g = w->node_idx[v];
        if (g < 0) continue;
        for (int a = f->start[v]; a < f->start[v + 1]; a++) {
            const Arc *x = &f->arc[a];
            if (x->to < 2 || x->cost >= 0) continue; /* the reverse of source→need */
            int64_t q = f->arc[x->rev].cap;
            if (q <= 0) continue;
            MatchPair *p = &out->pairs[out->npairs++];
            p->need = g;
            p->resource = -w->node_idx[x->to] - 1;
            p->quantity = q;
            p->weight = (int)-x->cost;
            out->objective += q * p->weight;
        }
    }
    for (int v = 2; v < nv; v++) {
        int g = w->node_idx[v];
        if (g >= 0) w->loc_need[g] = -1;
        else w->loc_res[-g - 1] = -1;
    }
}

static int find(int *par, int x)
{
    while (par[x] != x) x = par[x] = par[par[x]];
    return x;
}

static int pair_cmp(const void *a, const void *b)
{
    const MatchPair *x = a, *y = b;
    if (x->need != y->need) return x->need < y->need ? -1 : 1;
    return x->resource < y->resource ? -1 : x->resource > y->resource;
}

/* Fills every pair's parts from the weights again (they are cheap to recompute). */
static void fill_parts(const MatchInput *in, const MatchParams *p, const Pairs *ps,
                       MatchResult *out)
{
    for (int k = 0; k < out->npairs; k++) {
        MatchPair *x = &out->pairs[k];
        x->weight = match_weight(&in->needs[x->need], &in->resources[x->resource], p, ps->sup,
                                 ps->nsup, &x->parts);
    }
    if (out->npairs > 1) qsort(out->pairs, (size_t)out->npairs, sizeof *out->pairs, pair_cmp);
}

int match_solve(const MatchInput *in, const MatchParams *p, MatchResult *out)
{
    memset(out, 0, sizeof *out);
    Pairs ps;
    if (pairs_build(in, p, &ps)) return -1;
    out->edges = ps.n;
    int nn = in->nneeds > 0 ? in->nneeds : 0, nr = in->nresources > 0 ? in->nresources : 0;
    int rc = -1;
    int *par = malloc(((size_t)nn + (size_t)nr + 1) * sizeof *par);
    int *csize = NULL;
    Work w;
    memset(&w, 0, sizeof w);
    if (!par) goto out;
    for (int i = 0; i < nn + nr; i++) par[i] = i;
    for (int64_t k = 0; k < ps.n; k++) {
        int a = find(par, ps.e[k].need), b = find(par, nn + ps.e[k].res);
        if (a != b) par[a] = b;
    }
    for (int64_t k = 0; k < ps.n; k++) ps.e[k].comp = find(par, ps.e[k].need);
    if (ps.n > 1) qsort(ps.e, (size_t)ps.n, sizeof *ps.e, edge_cmp);
    /* the largest component, in nodes and edges, sizes the buffers */
    int maxe = 0, maxv = 0;
    csize = calloc((size_t)nn + (size_t)nr + 1, sizeof *csize);
    if (!csize) goto out;
    for (int i = 0; i < nn; i++)
        if (in->needs[i].quantity > 0) csize[find(par, i)]++;
    for (int j = 0; j < nr; j++)
        if (in->resources[j].capacity > 0) csize[find(par, nn + j)]++;
    for (int64_t k = 0; k < ps.n;) {
        int64_t l = k;
        while (l < ps.n && ps.e[l].comp == ps.e[k].comp) l++;
        if (l - k > maxe) maxe = (int)(l - k);
        if (csize[ps.e[k].comp] > maxv) maxv = csize[ps.e[k].comp];
        k = l;
    }
    maxv += 2;
    size_t arcs = 2 * ((size_t)maxe + (size_t)maxv);
    w.f.start = malloc(((size_t)maxv + 1) * sizeof(int));
    w.f.arc = malloc(arcs * sizeof(Arc));
    w.f.pot = malloc((size_t)maxv * sizeof(int64_t));
    w.f.dist = malloc((size_t)maxv * sizeof(int64_t));
    w.f.level = malloc((size_t)maxv * sizeof(int));
    w.f.iter = malloc(((size_t)maxv + 1) * sizeof(int));
    w.f.queue = malloc((size_t)maxv * sizeof(int));
    w.f.path = malloc(((size_t)maxv + 1) * sizeof(int));
    w.f.hk = malloc((arcs + 1) * sizeof(int64_t));
    w.f.hv = malloc((arcs + 1) * sizeof(int));
    w.loc_need = malloc(((size_t)nn + 1) * sizeof(int));
    w.loc_res = malloc(((size_t)nr + 1) * sizeof(int));
    w.node_idx = malloc((size_t)maxv * sizeof(int));
    out->pairs = malloc(((size_t)ps.n + 1) * sizeof *out->pairs);
    if (!w.f.start || !w.f.arc || !w.f.pot || !w.f.dist || !w.f.level || !w.f.iter ||
        !w.f.queue || !w.f.path || !w.f.hk || !w.f.hv || !w.loc_need || !w.loc_res ||
        !w.node_idx || !out->pairs)
        goto out;
    for (int i = 0; i < nn; i++) w.loc_need[i] = -1;
    for (int j = 0; j < nr; j++) w.loc_res[j] = -1;
    for (int64_t k = 0; k < ps.n;) {
        int64_t l = k;
        while (l < ps.n && ps.e[l].comp == ps.e[k].comp) l++;
        solve_component(in, &w, ps.e + k, (int)(l - k), out);
        out->components++;
        k = l;
    }
    fill_parts(in, p, &ps, out);
    rc = 0;
out:
    free(par);
    free(csize);
    free(w.f.start);
    free(w.f.arc);
    free(w.f.pot);
    free(w.f.dist);
    free(w.f.level);
    free(w.f.iter);
    free(w.f.queue);
    free(w.f.path);
    free(w.f.hk);
    free(w.f.hv);
    free(w.loc_need);
    free(w.loc_res);
    free(w.node_idx);
    pairs_free(&ps);
    if (rc) match_result_free(out);
    return rc;
}

static int edge_weight_cmp(const void *a, const void *b)
{
    const Edge *x = a, *y = b;
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    if (x->need != y->need) return x->need < y->need ? -1 : 1;
    return x->res < y->res ? -1 : x->res > y->res;
}

int match_greedy(const MatchInput *in, const MatchParams *p, MatchResult *out)
{
    memset(out, 0, sizeof *out);
    Pairs ps;
    if (pairs_build(in, p, &ps)) return -1;
    out->edges = ps.n;
    int nn = in->nneeds > 0 ? in->nneeds : 0, nr = in->nresources > 0 ? in->nresources : 0;
    int64_t *qn = malloc(((size_t)nn + 1) * sizeof *qn), *qr = malloc(((size_t)nr + 1) * sizeof *qr);
    out->pairs = malloc(((size_t)ps.n + 1) * sizeof *out->pairs);
    int rc = -1;
    if (!qn || !qr || !out->pairs) goto out;
    for (int i = 0; i < nn; i++) qn[i] = in->needs[i].quantity;
    for (int j = 0; j < nr; j++) qr[j] = in->resources[j].capacity;
    if (ps.n > 1) qsort(ps.e, (size_t)ps.n, sizeof *ps.e, edge_weight_cmp);
    for (int64_t k = 0; k < ps.n; k++) {
        const Edge *e = &ps.e[k];
        int64_t q = qn[e->need] < qr[e->res] ? qn[e->need] : qr[e->res];
        if (q <= 0) continue;
        qn[e->need] -= q;
        qr[e->res] -= q;
        MatchPair *x = &out->pairs[out->npairs++];
        x->need = e->need;
        x->resource = e->res;
        x->quantity = q;
        x->weight = e->weight;
        out->objective += q * e->weight;
    }
    fill_parts(in, p, &ps, out);
    rc = 0;
out:
    free(qn);
    free(qr);
    pairs_free(&ps);
    if (rc) match_result_free(out);
    return rc;
}

void match_result_free(MatchResult *r)
{
    if (!r) return;
    free(r->pairs);
    memset(r, 0, sizeof *r);
}
