/* embedded.h — files compiled into the binary (assets/, po catalogues, data/).
 * The table is generated at build time by tools/embed.c into build/embedded.c. */
#ifndef HUIJU_EMBEDDED_H
#define HUIJU_EMBEDDED_H

#include <stddef.h>

typedef struct EmbeddedFile {
    const char *name; /* "assets/style.css", "po/zh_CN.mo", "data/xinjiang-divisions.csv" */
    const unsigned char *data;
    size_t size;
} EmbeddedFile;

extern const EmbeddedFile embedded_files[];
extern const int n_embedded_files;

/* The embedded file with that name, or NULL. The data is static: never freed. */
const EmbeddedFile *embedded_find(const char *name);

#endif
