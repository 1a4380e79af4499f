/* files.h — uploaded files (progress evidence, course recordings), kept on disk
 * under the server's files directory and named by the SHA-256 of their content,
 * so a name never comes from the uploader and the same file is kept once.
 * The database row that refers to a file holds its hash, its cleaned original
 * name, its checked type and its size; files are served only as downloads. */
#ifndef HUIJU_FILES_H
#define HUIJU_FILES_H

#include <stddef.h>

#include "http/req.h"

/* The files directory for a server: `opt` when given, else $HUIJU_FILES, else
 * "<path>.files" beside an SQLite database, else "var/files". A static or
 * argv string; the directory is made on first store. */
const char *files_dir_for(const char *db_url, const char *opt);

/* The type of a file from its first bytes (never from its name or the client's
 * Content-Type): one of application/pdf, image/png, image/jpeg, video/mp4,
 * audio/mpeg, application/vnd.openxmlformats-officedocument.* (docx, xlsx,
 * pptx: a zip whose name ends so), text/plain (valid UTF-8 without NUL). NULL
 * when it is none of them. `name` is only used to tell the Office zips apart. */
const char *files_sniff(const void *data, size_t n, const char *name);

/* A safe display name made from an uploaded one (arena text): the last path
 * component, control characters and quotes removed, at most 120 bytes, "file"
 * when nothing is left. */
const char *files_clean_name(Req *r, const char *name);

/* Stores data under r->conf->files_dir (written to a temporary file, synced and
 * renamed, mode 0640). Writes the hex SHA-256 into sha. 0, or -1 when the file
 * could not be written (the reason is logged). */
int files_store(Req *r, const void *data, size_t n, char sha[65]);

/* Sends the stored file as a download: Content-Disposition attachment with
 * `name` and the stored `mime` (nosniff, like every answer). 404 when the file
 * is missing on disk. */
void files_send(Req *r, const char *sha, const char *name, const char *mime);

#endif
