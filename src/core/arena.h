/* arena.h — a region allocator: many allocations, one free.
 *
 * Every request owns one Arena (r->arena); whatever a handler allocates from it
 * lives until the request is complete and is then released in one arena_free().
 * Allocation never fails: on out-of-memory the process aborts, as no request
 * path could do anything better. */
#ifndef HUIJU_ARENA_H
#define HUIJU_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct Arena Arena;

/* A new, empty arena. The caller frees it with arena_free(). */
Arena *arena_new(void);
/* Releases the arena and everything allocated from it. NULL is allowed. */
void arena_free(Arena *a);
/* n zeroed bytes, aligned for any type, owned by the arena. */
void *arena_alloc(Arena *a, size_t n);
/* A copy of s (NULL gives NULL), owned by the arena. */
char *arena_strdup(Arena *a, const char *s);
/* A NUL-terminated copy of the first n bytes of s, owned by the arena. */
char *arena_strndup(Arena *a, const char *s, size_t n);
/* A formatted string owned by the arena. */
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
