#ifndef SESSIONGUARD_CLIBPQ_SHIM_H
#define SESSIONGUARD_CLIBPQ_SHIM_H
/* Debian puts libpq-fe.h under /usr/include/postgresql (pkg-config libpq adds it). */
#include <libpq-fe.h>
#endif
