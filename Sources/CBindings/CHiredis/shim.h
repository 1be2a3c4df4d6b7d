#ifndef SCRY_CHIREDIS_SHIM_H
#define SCRY_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>

/* Swift cannot call the variadic redisCommand; callers use redisCommandArgv and
   redisAppendCommandArgv. errstr imports as a 128-byte tuple, so it is read here. */
static inline const char *scry_redis_errstr(const redisContext *c) { return c->errstr; }
static inline int scry_redis_err(const redisContext *c) { return c->err; }
static inline int scry_redis_fd(const redisContext *c) { return c->fd; }

#endif
