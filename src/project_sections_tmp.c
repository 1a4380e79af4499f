/* project_sections_tmp.c — TEMPORARY: empty versions of the project-page
 * sections and the project feed (project.h) until their modules define them.
 * Each module deletes its own function from here when it writes the real one;
 * the file is removed when it is empty. */
#include "project.h"

void progress_section(Req *r, const Project *p) { (void)r; (void)p; }
void agreement_section(Req *r, const Project *p) { (void)r; (void)p; }
void brand_section(Req *r, const Project *p) { (void)r; (void)p; }
void supervision_section(Req *r, const Project *p) { (void)r; (void)p; }
void evaluation_section(Req *r, const Project *p) { (void)r; (void)p; }
void fund_section(Req *r, const Project *p) { (void)r; (void)p; }
int project_feed(Db *db, const char *actor, int64_t lead_id, int year)
{
    (void)db; (void)actor; (void)lead_id; (void)year;
    return 0;
}
