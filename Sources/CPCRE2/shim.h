#ifndef SESSIONGUARD_CPCRE2_SHIM_H
#define SESSIONGUARD_CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Macros Swift cannot import. */
static inline PCRE2_SIZE sg_pcre2_unset(void) { return PCRE2_UNSET; }
static inline PCRE2_SIZE sg_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
#endif
