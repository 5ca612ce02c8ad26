/* Dump: a stable text form of every placed item (page, position, font,
 * size, text) for golden tests and `paiban render --dump`. */
#ifndef PB_DUMP_H
#define PB_DUMP_H

#include <stdio.h>

#include "fonts/fonts.h"
#include "layout/paginate.h"

void pb_dump(const pb_pages *pages, const pb_fontset *fonts, FILE *out);

#endif
