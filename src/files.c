/* files.c — uploaded files stored by content hash. See files.h. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/util.h"

const char *files_dir_for(const char *db_url, const char *opt)
{
    static char dir[1024];
    if (opt && *opt) return opt;
    const char *env = getenv("HUIJU_FILES");
    if (env && *env) return env;
    if (db_url && strncmp(db_url, "postgres", 8) != 0) {
        const char *p = !strncmp(db_url, "sqlite:", 7) ? db_url + 7 : db_url;
        snprintf(dir, sizeof dir, "%s.files", p);
        return dir;
    }
    return "var/files";
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = s ? strlen(s) : 0, m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

const char *files_sniff(const void *data, size_t n, const char *name)
{
    const unsigned char *d = data;
    if (n >= 5 && !memcmp(d, "%PDF-", 5)) return "application/pdf";
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
    if (n >= 12 && !memcmp(d + 4, "ftyp", 4)) return "video/mp4";
    if (n >= 3 && (!memcmp(d, "ID3", 3) || (d[0] == 0xFF && (d[1] & 0xE0) == 0xE0)))
        return "audio/mpeg";
    if (n >= 4 && !memcmp(d, "PK\x03\x04", 4)) {
        if (has_suffix(name, ".docx"))
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        if (has_suffix(name, ".xlsx"))
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        if (has_suffix(name, ".pptx"))
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
        return NULL;
    }
    if (n == 0) return NULL;
    /* plain text: valid UTF-8, no NUL or other C0 controls but tab, CR, LF */
    for (size_t i = 0; i < n;) {
        unsigned char c = d[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') return NULL;
            i++;
            continue;
        }
        int len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (!len || c >= 0xF5 || i + (size_t)len > n) return NULL;
        for (int k = 1; k < len; k++)
            if ((d[i + k] & 0xC0) != 0x80) return NULL;
        i += (size_t)len;
    }
    return "text/plain; charset=utf-8";
}

const char *files_clean_name(Req *r, const char *name)
{
    const char *base = name ? name : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    size_t n = strlen(base);
    char *out = arena_alloc(r->arena, n + 1), *o = out;
    for (size_t i = 0; i < n && (size_t)(o - out) < 120; i++) {
        unsigned char c = (unsigned char)base[i];
        if (c < 0x20 || c == 0x7F || c == '"' || c == ';') continue;
        *o++ = (char)c;
    }
    /* do not end inside a multibyte character after the cut */
    while (o > out && ((unsigned char)o[-1] & 0xC0) == 0x80) {
        char *q = o - 1;
        while (q > out && ((unsigned char)*q & 0xC0) == 0x80) q--;
        unsigned char lead = (unsigned char)*q;
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if ((size_t)(o - q) == want) break;
        o = q;
    }
    *o = 0;
    while (o > out && (o[-1] == ' ' || o[-1] == '.')) *--o = 0;
    return *out ? out : "file";
}

static int make_dirs(const char *dir)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0750) && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(tmp, 0750) && errno != EEXIST ? -1 : 0;
}

int files_store(Req *r, const void *data, size_t n, char sha[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    hex_encode(sha, h, sizeof h);
    const char *dir = r->conf && r->conf->files_dir ? r->conf->files_dir : "var/files";
    if (make_dirs(dir)) {
        fprintf(stderr, "huiju: files: cannot make %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char path[1200], tmp[1240];
    snprintf(path, sizeof path, "%s/%s", dir, sha);
    if (access(path, F_OK) == 0) return 0; /* the same content is already kept */
    char tok[65];
    random_token(tok);
    snprintf(tmp, sizeof tmp, "%s/.tmp-%.16s", dir, tok);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0640);
    if (fd < 0) {
        fprintf(stderr, "huiju: files: cannot write %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    const unsigned char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        p += w;
        left -= (size_t)w;
    }
    int bad = left != 0 || fsync(fd) != 0;
    if (close(fd) != 0) bad = 1;
    if (bad || rename(tmp, path) != 0) {
        fprintf(stderr, "huiju: files: cannot store %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void files_send(Req *r, const char *sha, const char *name, const char *mime)
{
    for (const char *c = sha; c && *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return req_not_found(r);
    if (!sha || strlen(sha) != 64) return req_not_found(r);
    const char *dir = r->conf && r->conf->files_dir ? r->conf->files_dir : "var/files";
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, sha);
    FILE *fp = fopen(path, "rb");
    if (!fp) return req_not_found(r);
    buf_reset(&r->out);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_append(&r->out, chunk, got);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        buf_reset(&r->out);
        return req_error(r, 503, "unavailable", NULL);
    }
    r->status = 200;
    r->ctype = mime && *mime ? mime : "application/octet-stream";
    /* an ASCII fallback name and the UTF-8 one (RFC 6266 / 5987); every answer
     * already carries X-Content-Type-Options: nosniff (server.c) */
    const char *nm = name && *name ? name : "file";
    char *ascii = arena_strdup(r->arena, nm);
    for (char *c = ascii; *c; c++)
        if ((unsigned char)*c >= 0x80 || *c == '"' || *c == '\\') *c = '_';
    req_add_header(r, "Content-Disposition",
                   arena_printf(r->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                                ascii, url_encode(r->arena, nm)));
    req_add_header(r, "Cache-Control", "private, no-store");
}
