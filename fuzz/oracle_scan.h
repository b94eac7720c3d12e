/* oracle_scan: the leak oracle's byte search, kept out of libFuzzer's sight.
 *
 * fuzz_request looks for the victim tenant's secrets in every answer. If
 * that search went through memmem, strstr or memcmp (which the sanitizer
 * runtime intercepts and reports to libFuzzer) or through code built with
 * -fsanitize=fuzzer (whose comparisons are traced), libFuzzer would add the
 * secrets to its dictionary, type them into requests, and the oracle would
 * then find them in answers that only echo what the fuzzer wrote: the false
 * alarm this file exists to prevent. So this translation unit is compiled
 * without coverage instrumentation or sanitizers (fuzz/CMakeLists.txt) and
 * calls no libc function: its loops compare bytes that libFuzzer never sees. */
#ifndef POSTROOM_FUZZ_ORACLE_SCAN_H
#define POSTROOM_FUZZ_ORACLE_SCAN_H
#include <stddef.h>

/* The first place needle (m bytes, ASCII) occurs in hay (n bytes), ASCII
 * letters compared without case; NULL if nowhere. */
const char *oracle_find(const char *hay, size_t n, const char *needle, size_t m);

/* Overwrites, in place, every occurrence of placeholder in the NUL-terminated
 * s by with (the same length m); returns how many it replaced. */
size_t oracle_replace(char *s, const char *placeholder, const char *with, size_t m);

#endif
