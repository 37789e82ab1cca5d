#ifndef SESSIONGUARD_CMAXMINDDB_SHIM_H
#define SESSIONGUARD_CMAXMINDDB_SHIM_H
#include <maxminddb.h>
#endif
