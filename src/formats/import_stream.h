/* import_stream: a spreadsheet file of any length read chunk by chunk, in
 * memory bounded by a chunk, with what import_read_with gives for a whole
 * file (the same layouts, mapping, messages and line numbers).
 *
 * The file is cut at record boundaries (a line end outside quotes) into
 * chunks of about IMPORT_STREAM_ROWS rows; each chunk is read behind the
 * file's own header row (and Excel's "sep=" line), so its layout, columns
 * and delimiter are the file's, and its line numbers are turned back into
 * the file's. In the layouts that write one row per line item, a chunk
 * ends only where the order number changes, so the rows of one order stay
 * together (the exports write them one after another; rows of one order
 * further apart than a chunk become two orders). A file that is not valid
 * UTF-8 is read as Windows-1252 chunk by chunk. */
#ifndef POSTROOM_IMPORT_STREAM_H
#define POSTROOM_IMPORT_STREAM_H
#include "formats/import.h"

#include <stdio.h>

#define IMPORT_STREAM_ROWS 1000

struct import_stream;

/* Reads f from where it stands to its end (the caller keeps and closes it). */
struct import_stream *import_stream_open(FILE *f, const struct import_defaults *d);
void import_stream_close(struct import_stream *s);

enum import_chunk {
    IMPORT_CHUNK,      /* out holds the next chunk's orders, errors and left-out orders */
    IMPORT_END,        /* no more rows; out is empty */
    IMPORT_FILE_ERROR, /* the file cannot be read on: out->errors[0] says why, with its line */
};
/* The next chunk, its memory (but the json items, import_batch_free) from a. */
enum import_chunk import_stream_next(struct import_stream *s, struct arena *a,
                                     struct import_batch *out);
/* Bytes of the file read so far, and its data rows (blank lines not
 * counted). */
uint64_t import_stream_bytes(const struct import_stream *s);
size_t import_stream_rows(const struct import_stream *s);

#endif
