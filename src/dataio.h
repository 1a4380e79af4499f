/* dataio.h — capability 4: getting values in and out in bulk: the data-entry form
 * per school and period, CSV import (web upload and `huiju import datavalues`)
 * with a dry run and errors by line and column, and DHIS2 dataValueSets JSON
 * import and export (matched by code). */
#ifndef HUIJU_DATAIO_H
#define HUIJU_DATAIO_H

#include "db/db.h"
#include "http/req.h"

/* `huiju import datavalues FILE [--dry-run]`: all rows or none; progress on stderr
 * when it is a terminal. Returns the exit status. */
int import_cli(Db *db, const char *path, int dry_run);

void entry_page(Req *r);          /* GET /orgs/{code}/data?period= */
void entry_submit(Req *r);        /* POST /orgs/{code}/data */
void import_page(Req *r);         /* GET /import */
void import_submit(Req *r);       /* POST /import (multipart upload, dry run or real) */
void dhis2_api_import(Req *r);    /* POST /api/v1/dataValueSets */
void dhis2_api_export(Req *r);    /* GET /api/v1/dataValueSets?orgUnit=&period=&dataElement= */

#endif
