/* "Did you mean": the known name closest to a misspelt one. */
#ifndef PB_SUGGEST_H
#define PB_SUGGEST_H

/* The name of `names` nearest to `word` by edit distance (an abbreviation
 * of three or more letters also counts as near), or NULL when none is
 * close enough to be a likely typo. */
const char *pb_suggest(const char *word, const char *const *names, int n);

#endif
