#ifndef SCRY_CLIBPQ_SHIM_H
#define SCRY_CLIBPQ_SHIM_H

#include <postgresql/libpq-fe.h>

/* The PG_DIAG_* field codes are char-literal macros, which Swift does not import. */
static inline int scry_pg_diag_severity(void) { return PG_DIAG_SEVERITY_NONLOCALIZED; }
static inline int scry_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int scry_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int scry_pg_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int scry_pg_diag_message_hint(void) { return PG_DIAG_MESSAGE_HINT; }
static inline int scry_pg_diag_statement_position(void) { return PG_DIAG_STATEMENT_POSITION; }

#endif
