/* argon2.c — times libsodium's argon2id with the parameters huiju uses
 * (crypto_pwhash_str, OPSLIMIT/MEMLIMIT_INTERACTIVE: see src/user.c and
 * src/http/session.c). Prints one JSON object: the median and the minimum of N
 * hashes and of N verifications, in milliseconds. Usage: bench-argon2 [N] */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 9;
    if (n < 1 || n > 1000) {
        fprintf(stderr, "usage: %s [N (1..1000)]\n", argv[0]);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    const char *pw = "huiju-demo-2026";
    char hash[crypto_pwhash_STRBYTES];
    double *h = calloc((size_t)n, sizeof *h), *v = calloc((size_t)n, sizeof *v);
    if (!h || !v) return 1;
    for (int i = 0; i < n; i++) {
        double t = now_ms();
        if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
            fprintf(stderr, "crypto_pwhash_str failed (out of memory?)\n");
            return 1;
        }
        h[i] = now_ms() - t;
    }
    for (int i = 0; i < n; i++) {
        double t = now_ms();
        if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0) {
            fprintf(stderr, "crypto_pwhash_str_verify failed\n");
            return 1;
        }
        v[i] = now_ms() - t;
    }
    double hm = median(h, n), vm = median(v, n);
    printf("{\"runs\":%d,\"opslimit\":%llu,\"memlimit_bytes\":%zu,"
           "\"hash_ms_median\":%.2f,\"hash_ms_min\":%.2f,"
           "\"verify_ms_median\":%.2f,\"verify_ms_min\":%.2f}\n",
           n, (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
           (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE, hm, h[0], vm, v[0]);
    free(h);
    free(v);
    return 0;
}
