#include "base/suggest.h"

#include <stddef.h>
#include <string.h>

/* Levenshtein distance with one row; names longer than 64 bytes are never
 * suggested. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *pb_suggest(const char *word, const char *const *names, int n)
{
    size_t len = strlen(word);
    int limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    int best_d = limit + 1;
    for (int i = 0; i < n; i++) {
        int d;
        size_t ln = strlen(names[i]);
        if (len >= 3 && strncmp(word, names[i], len) == 0)
            d = 1; /* an abbreviation: "para" for "paragraph" */
        else if ((ln > len ? ln - len : len - ln) >= (size_t)best_d)
            continue; /* the distance is at least the length difference */
        else
            d = edit_distance(word, names[i]);
        if (d < best_d && d < (int)len) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}
