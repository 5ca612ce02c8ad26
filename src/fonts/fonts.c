/* Fonts stage: resolves the layout's font roles to faces.
 *
 * Finding fonts is fontconfig's job (the only user of fontconfig): a
 * private FcConfig holds paiban's own font folders (the report's and the
 * layout's folders, only the files beside them; the data folder's fonts/
 * and the host's font folders, with their subfolders), and, when system
 * fonts are used, a second private FcConfig loads fontconfig's own
 * configuration (the system's and the user's fonts, ~/.local/share/fonts
 * and ~/.fonts included) plus the data folder's fonts/fonts.conf.  Neither
 * is the process's default configuration, so nothing paiban does changes
 * what the host's other fontconfig users see.
 *
 * The catalog and the layout still decide which families serve which role:
 * a candidate names a file (matched by its bare name against the files
 * fontconfig found, so no layout can reach a file outside the font
 * folders) and/or a family (any of the names fontconfig read from the
 * font, in any language, or its full name).  paiban's folders come first,
 * in order, then the system's.
 *
 * Loading a set opens nothing.  A face is opened when a role first needs a
 * character and the faces before it in the role lack it (pb_fonts_pick):
 * its file is mapped once for all its faces and roles, its tables are
 * checked (font_check.c), FreeType reads its names and metrics, HarfBuzz
 * serves it from then on.  A face that is not a usable font stays broken
 * for every document; a fault found once a face is used (a damaged glyph,
 * a subset that does not read back) is a document's own: its view of the
 * set (pb_fonts_view) rejects the face and the document is made again. */
#include "fonts/fonts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H
#include FT_TRUETYPE_TABLES_H

#include <hb-ot.h>

#include "base/arena.h"
#include "base/call.h"
#include "fonts/fc_config.h"
#include "fonts/font_check.h"
#include "fonts/programs.h"

/* FreeType's error texts, by the idiom fterrors.h documents. */
#undef FTERRORS_H_
#define FT_ERRORDEF(e, v, s) {v, s},
#define FT_ERROR_START_LIST {
#define FT_ERROR_END_LIST {0, NULL}};
static const struct {
    int code;
    const char *text;
} ft_errors[] =
#include FT_ERRORS_H

static const char *ft_error_text(FT_Error e)
{
    for (int i = 0; ft_errors[i].text; i++)
        if (ft_errors[i].code == e)
            return ft_errors[i].text;
    return "unknown error";
}

typedef struct role_chain {
    char *name;      /* owned */
    int *faces;      /* owned: face ids, in order of preference */
    char **source;   /* owned: per face, the layout or catalog that named it */
    char **path;     /* owned: per face, its JSON path there */
    int nfaces;
} role_chain;

/* A font file, mapped when the first of its faces is opened and then
 * shared by them (the faces of a collection, the roles that use it). */
typedef struct font_file {
    char *path;      /* owned */
    dev_t dev;
    ino_t ino;
    hb_blob_t *blob; /* owned: the mapping, or NULL */
} font_file;

enum { FACE_CLOSED, FACE_OPEN, FACE_BROKEN };

/* What one document's view keeps (an arena's). */
typedef struct view_state {
    pb_diag *diag;        /* borrowed: the document's messages */
    char **rejected;      /* per face: why this document stopped using it */
    unsigned char *told;  /* per face: its fault was reported (1 warning,
                             2 error) */
    unsigned char *used;  /* per role and face: it served the role */
    int nrejected;
    pb_arena *arena;      /* borrowed: where the view lives */
    /* pb_fonts_pick's answers for (role, character), direct-mapped:
       (face id + 1) << 32 | role << 21 | character, 0 = empty.  Only an
       answer that warned of nothing is kept: the same question gets it
       again until a face is rejected, which empties the memo. */
    uint64_t *memo;
} view_state;

enum { PICK_MEMO = 4096 };        /* entries, a power of two */

struct pb_fontset {
    const pb_fontset *set;   /* a view: the set it sees (else NULL) */
    view_state *view;        /* a view's own state (else NULL) */
    /* the set itself */
    pthread_mutex_t lock;    /* opening faces */
    FT_Library ft;           /* used under the lock only */
    pb_face **faces;         /* owned */
    int nfaces, faces_cap;
    _Atomic int *state;      /* owned: per face, FACE_* */
    char **fault;            /* owned: per face, why it is broken */
    int *file_of;            /* owned: per face, its index in files */
    font_file *files;        /* owned */
    int nfiles, files_cap;
    role_chain *roles;       /* owned */
    int nroles;
};

/* The set a set or a view stands for. */
static const pb_fontset *set_of(const pb_fontset *fs)
{
    return fs && fs->set ? fs->set : fs;
}

/* ---- load-time state ------------------------------------------------ */

/* A face fontconfig knows, with where it ranks. */
typedef struct known_face {
    FcPattern *pattern; /* borrowed from its config's font set */
    const char *file;   /* borrowed from the pattern */
    const char *base;   /* the file's name without folders */
    uint32_t file_hash; /* of file: faces of another file are passed over
                           without comparing their paths */
    int index;          /* face in a collection */
    int tier;           /* 0..: paiban's folders in order; then the system's */
    /* its full names, then its family names, folded (fold()); read from
       the pattern the first time a request is matched against it */
    const char **names;
    int nfull, nnames;
} known_face;

typedef struct face_key {
    dev_t dev;
    ino_t ino;
    int index;
} face_key;

typedef struct loader {
    pb_fontset *fs;        /* owned until returned */
    const pb_font_dirs *dirs;
    pb_diag *diag;
    FcFontSet *own_set;    /* owned: the faces of paiban's folders */
    FcConfig *own;         /* owned, or NULL: where fontconfig caches them */
    FcConfig *sys;         /* owned: fontconfig's configuration, or NULL */
    known_face *known;     /* owned: every face, best-ranked first */
    int nknown, known_cap;
    face_key *visited;     /* owned: folders scanned (symlink loops) */
    int nvisited, visited_cap;
    struct rejected {
        char *path, *why;  /* owned */
        dev_t dev;
        ino_t ino;
    } *rejected;           /* owned: files named like fonts that fontconfig
                              did not take, in folders scanned flat */
    int nrejected, rejected_cap;
    pb_arena *scratch;     /* borrowed: the load's scratch (known faces' names) */
} loader;

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool has_font_extension(const char *path)
{
    const char *dot = strrchr(base_name(path), '.');
    return dot && (strcasecmp(dot, ".ttf") == 0 || strcasecmp(dot, ".otf") == 0 ||
                   strcasecmp(dot, ".ttc") == 0 || strcasecmp(dot, ".otc") == 0);
}

/* Family names compare like fontconfig's: ASCII case and blanks ignored.
 * s folded into out, which has room for strlen(s) + 1 bytes. */
static char *fold_into(char *out, const char *s)
{
    char *o = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ')
            continue;
        *o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    *o = 0;
    return out;
}

static char *fold(const char *s)
{
    return fold_into(pb_xmalloc(strlen(s) + 1), s);
}

/* ---- finding faces ---------------------------------------------------- */

#define MAX_DEPTH 6      /* subfolders below a font folder */
#define MAX_FILES 50000  /* font files under one font folder */

/* s with the five XML special characters escaped (arena). */
static char *xml_escape(pb_arena *a, const char *s)
{
    char *out = pb_arena_alloc(a, strlen(s) * 6 + 1), *o = out;
    for (; *s; s++) {
        const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                      : *s == '"' ? "&quot;" : *s == '\'' ? "&apos;" : NULL;
        if (r) {
            strcpy(o, r);
            o += strlen(r);
        } else {
            *o++ = *s;
        }
    }
    *o = 0;
    return out;
}

/* fontconfig answered NULL where only memory can be missing. */
static void fc_out_of_memory(void)
{
    if (pb_oom_armed())
        pb_oom_rethrow();
}

/* fontconfig 2.14 does not check every allocation of its own: with too
 * little memory left it can crash instead of failing.  So each of its
 * calls that reads configuration, caches or fonts is made only with room
 * to spare, far more than it takes (about 1.5 MB for the system's fonts):
 * the margin covers what other threads of a batch take meanwhile. */
#define FONTCONFIG_ROOM (32u << 20)

static bool fc_room(void)
{
    if (!pb_memory_short(FONTCONFIG_ROOM))
        return true;
    fc_out_of_memory();
    return false;
}

/* FNV-1a of a path: equal paths, equal hashes. */
static uint32_t path_hash(const char *path)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        h = (h ^ *c) * 16777619u;
    return h;
}

static void add_known(loader *L, FcPattern *p, int tier)
{
    FcChar8 *file;
    int index = 0;
    if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
        return;
    FcPatternGetInteger(p, FC_INDEX, 0, &index);
    if (index < 0 || (index >> 16) != 0)
        return; /* a named instance of a variable font: PDF takes none */
    if (L->nknown == L->known_cap) {
        int cap = L->known_cap ? L->known_cap * 2 : 256;
        L->known = pb_xrealloc(L->known, (size_t)cap * sizeof *L->known);
        L->known_cap = cap;
    }
    const char *path = (const char *)file;
    L->known[L->nknown++] =
        (known_face){p, path, base_name(path), path_hash(path), index, tier, NULL, 0, 0};
}

/* Takes pattern p into paiban's own set, ranked `tier`. */
static void scan_folder(loader *L, const char *dir, int tier, bool flat, int depth,
                        int *files);
static void rejected_why(const char *path, char *why, size_t whylen);

static void keep_pattern(loader *L, FcPattern *p, int tier)
{
    if (!FcFontSetAdd(L->own_set, p)) {
        FcPatternDestroy(p);
        fc_out_of_memory();
        return;
    }
    add_known(L, p, tier);
}

/* Adds a folder (by device and inode) to those seen; false if it was. */
static bool first_visit(loader *L, dev_t dev, ino_t ino)
{
    for (int i = 0; i < L->nvisited; i++)
        if (L->visited[i].dev == dev && L->visited[i].ino == ino)
            return false;
    if (L->nvisited == L->visited_cap) {
        int cap = L->visited_cap ? L->visited_cap * 2 : 32;
        L->visited = pb_xrealloc(L->visited, (size_t)cap * sizeof *L->visited);
        L->visited_cap = cap;
    }
    L->visited[L->nvisited++] = (face_key){dev, ino, 0};
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The names in dir (not "." and ".."), sorted: readdir's order varies.
 * Memory runs out only after the folder is closed. */
static char **list_folder(const char *dir, int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    int cap = 0;
    bool full = false;
    struct dirent *e;
    while (!full && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, (size_t)cap * sizeof *names);
            full = !grown;
            if (grown)
                names = grown;
        }
        if (!full && !(names[*n] = strdup(e->d_name)))
            full = true;
        if (!full)
            (*n)++;
    }
    closedir(d);
    if (full) {
        free_names(names, *n);
        *n = 0;
        fc_out_of_memory();
        return NULL;
    }
    if (*n > 1)
        qsort(names, (size_t)*n, sizeof *names, by_name);
    return names;
}

/* A folder's entries being looked at: what they hold outlives an
 * out-of-memory jump, to be freed on the way out. */
typedef struct folder_scan {
    loader *L;
    const char *dir;
    int tier, depth;
    bool flat;
    int *files;
    char **names;         /* owned, with each name */
    int n;
    char *path;           /* owned: the entry's path */
    FcFontSet *set;       /* owned: the fonts fontconfig found in it */
} folder_scan;

/* The subfolders named in a fontconfig cache. */
static void scan_subfolders(void *arg)
{
    folder_scan *scan = arg;
    for (int i = 0; i < scan->n; i++)
        if (scan->depth < MAX_DEPTH)
            scan_folder(scan->L, scan->names[i], scan->tier, false, scan->depth + 1,
                        scan->files);
}

static void unscan(void *arg)
{
    folder_scan *scan = arg;
    free(scan->path);
    free_names(scan->names, scan->n);
    if (scan->set)
        FcFontSetDestroy(scan->set);
}

/* A folder through fontconfig's cache of it (written in the cache folder
 * when missing or stale): its fonts, then its subfolders.  False if
 * fontconfig could not read it. */
static bool scan_cached(loader *L, const char *dir, int tier, int depth, int *files)
{
    if (!fc_room())
        return true; /* (not armed: scanned no further) */
    FcCache *cache = FcDirCacheRead((const FcChar8 *)dir, FcFalse, L->own);
    if (!cache)
        return false;
    FcFontSet *set = FcCacheCopySet(cache);
    for (int i = 0; set && i < set->nfont && *files < MAX_FILES; i++, (*files)++) {
        FcPatternReference(set->fonts[i]);
        keep_pattern(L, set->fonts[i], tier);
    }
    if (set)
        FcFontSetDestroy(set);
    int nsub = FcCacheNumSubdir(cache);
    char **subs = nsub > 0 ? calloc((size_t)nsub, sizeof *subs) : NULL;
    bool full = nsub > 0 && !subs;
    for (int i = 0; subs && i < nsub; i++)
        full |= !(subs[i] = strdup((const char *)FcCacheSubdir(cache, i)));
    FcDirCacheUnload(cache);
    if (full) {
        free_names(subs, subs ? nsub : 0);
        fc_out_of_memory();
        return true;
    }
    folder_scan scan = {L, dir, tier, depth, false, files, subs, subs ? nsub : 0, NULL, NULL};
    pb_oom_guard(scan_subfolders, unscan, &scan);
    free_names(subs, scan.n);
    return true;
}

/* A folder's entries: the font files and subfolders among them. */
static void scan_entries(void *arg)
{
    folder_scan *scan = arg;
    loader *L = scan->L;
    const char *dir = scan->dir;
    int tier = scan->tier, depth = scan->depth, *files = scan->files;
    bool flat = scan->flat;
    char **names = scan->names;
    struct stat st;
    for (int i = 0; i < scan->n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = scan->path = pb_xmalloc(len);
        if (path && names[i][0] != '.' && *files < MAX_FILES) {
            snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
                     names[i]);
            if (stat(path, &st) != 0) {
                /* a dangling symlink */
            } else if (S_ISDIR(st.st_mode)) {
                if (!flat && depth < MAX_DEPTH)
                    scan_folder(L, path, tier, false, depth + 1, files);
            } else if (S_ISREG(st.st_mode) && has_font_extension(path)) {
                FcFontSet *set = scan->set = FcFontSetCreate();
                if (!set)
                    fc_out_of_memory();
                int count = 0;
                if (set && fc_room() && FcFreeTypeQueryAll((const FcChar8 *)path, (unsigned)-1, NULL,
                                              &count, set) > 0) {
                    for (int k = 0; k < set->nfont; k++) {
                        FcPatternReference(set->fonts[k]);
                        keep_pattern(L, set->fonts[k], tier);
                    }
                    (*files)++;
                } else if (set && flat) {
                    char why[160];
                    rejected_why(path, why, sizeof why);
                    if (L->nrejected == L->rejected_cap) {
                        L->rejected_cap = L->rejected_cap ? 2 * L->rejected_cap : 4;
                        L->rejected = pb_xrealloc(L->rejected, (size_t)L->rejected_cap *
                                                                   sizeof *L->rejected);
                    }
                    /* counted before its strings are copied: loader_done
                       frees what it holds if memory runs out meanwhile */
                    struct rejected *r = &L->rejected[L->nrejected++];
                    *r = (struct rejected){NULL, NULL, st.st_dev, st.st_ino};
                    r->path = pb_xstrdup(path);
                    r->why = pb_xstrdup(why);
                }
                if (set)
                    FcFontSetDestroy(set);
                scan->set = NULL;
            }
        }
        free(path);
        scan->path = NULL;
    }
}

/* Every font in a folder of paiban's, ranked `tier`: with its subfolders
 * (flat: without them, and only files named like fonts, as a report's
 * folder may be a home folder), each folder once however symlinks loop,
 * at most MAX_DEPTH deep and MAX_FILES files.  fontconfig reads the fonts;
 * a file beside the report or the layout that is named like a font and
 * is none is skipped with a warning. */
static void scan_folder(loader *L, const char *dir, int tier, bool flat, int depth, int *files)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || !first_visit(L, st.st_dev, st.st_ino))
        return;
    if (L->own && !flat && scan_cached(L, dir, tier, depth, files))
        return;
    folder_scan scan = {L, dir, tier, depth, flat, files, NULL, 0, NULL, NULL};
    scan.names = list_folder(dir, &scan.n);
    pb_oom_guard(scan_entries, unscan, &scan);
    free_names(scan.names, scan.n);
}

/* Why fontconfig did not take a file named like a font: the first fault
 * of its header and table directory, else "not a usable font file". */
static void rejected_why(const char *path, char *why, size_t whylen)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    unsigned len = 0;
    const char *data = blob ? hb_blob_get_data(blob, &len) : NULL;
    if (!blob)
        snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
    else if (pb_font_check_tables((const unsigned char *)data, len, 0, why, whylen))
        snprintf(why, whylen, "not a usable font file");
    hb_blob_destroy(blob);
}

char *pb_fonts_folder_key(const char *dir, pb_arena *a)
{
    int n;
    char **names = list_folder(dir, &n);
    pb_arena_text key = {0};
    for (int i = 0; i < n; i++) {
        if (names[i][0] != '.' && has_font_extension(names[i]))
            pb_arena_text_printf(a, &key, "%s/%s\n", dir, names[i]);
        free(names[i]);
    }
    free(names);
    return key.p ? key.p : pb_arena_strdup(a, "");
}

/* Whether dir can hold fontconfig's caches (made if missing). */
static bool usable_cache(const char *dir)
{
    char *p = pb_xstrdup(dir);
    if (!p)
        return false;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            mkdir(p, 0777);
            *s = c;
            if (!c)
                break;
        }
    }
    bool ok = access(p, W_OK | X_OK) == 0;
    free(p);
    return ok;
}

/* paiban's folders first, in order, then the fonts of fontconfig's own
 * configuration (the system's and the user's) and of fonts/fonts.conf. */
static void find_faces(loader *L, pb_arena *a)
{
    const pb_font_dirs *d = L->dirs;
    if (!fc_room())
        return;
    L->own_set = FcFontSetCreate();
    if (!L->own_set) {
        fc_out_of_memory();
        return;
    }
    if (d->cache_dir && usable_cache(d->cache_dir)) {
        /* a configuration only for fontconfig's caches of paiban's folders */
        L->own = FcConfigCreate();
        char *xml = pb_arena_printf(a, "<fontconfig><cachedir>%s</cachedir></fontconfig>",
                                    xml_escape(a, d->cache_dir));
        if (L->own && !FcConfigParseAndLoadFromMemory(L->own, (const FcChar8 *)xml, FcFalse)) {
            FcConfigDestroy(L->own);
            L->own = NULL;
        }
    }
    for (int i = 0; i < d->count; i++) {
        int files = 0;
        if (d->dirs[i] && *d->dirs[i])
            scan_folder(L, d->dirs[i], i, d->flat && d->flat[i], 0, &files);
        if (files >= MAX_FILES)
            pb_diag_warning(L->diag, d->dirs[i], NULL,
                            "font search stopped after %d files in this folder", MAX_FILES);
    }
    if (!d->system_fonts)
        return;
    if (!fc_room())
        return;
    L->sys = pb_fc_load_config();
    if (!L->sys) {
        fc_out_of_memory();
        return;
    }
    if (d->config)
        FcConfigParseAndLoad(L->sys, (const FcChar8 *)d->config, FcFalse);
    if (!fc_room())
        return;
    FcConfigBuildFonts(L->sys);
    FcFontSet *sets[] = {FcConfigGetFonts(L->sys, FcSetSystem),
                         FcConfigGetFonts(L->sys, FcSetApplication)};
    for (int s = 0; s < 2; s++)
        for (int i = 0; sets[s] && i < sets[s]->nfont; i++)
            add_known(L, sets[s]->fonts[i], d->count);
}

/* ---- what a face is called ------------------------------------------- */

/* The English family name fontconfig read (the typographic family comes
 * first), else the first one, else the file's name (FreeType's family
 * name replaces it when the face is opened). */
static const char *english_family(const FcPattern *p, const char *path)
{
    FcChar8 *name, *lang;
    const char *first = NULL;
    for (int i = 0; p && FcPatternGetString(p, FC_FAMILY, i, &name) == FcResultMatch; i++) {
        if (!first)
            first = (const char *)name;
        if (FcPatternGetString(p, FC_FAMILYLANG, i, &lang) == FcResultMatch &&
            (strcmp((const char *)lang, "en") == 0 || strncmp((const char *)lang, "en-", 3) == 0))
            return (const char *)name;
    }
    return first ? first : base_name(path);
}

/* How well a face fits a family request; lower is better, -1 = no match.
 * A full name ("Noto Serif CJK SC Bold") picks that face; a family name
 * picks its regular upright member; a face for Chinese wins a tie. */
static int match_score(loader *L, known_face *k, const char *folded)
{
    /* every request is matched against every face: their names are
       folded once, not asked of fontconfig each time */
    if (!k->names) {
        FcChar8 *name;
        int nfull = 0, n = 0;
        while (FcPatternGetString(k->pattern, FC_FULLNAME, nfull, &name) == FcResultMatch)
            nfull++;
        while (FcPatternGetString(k->pattern, FC_FAMILY, n, &name) == FcResultMatch)
            n++;
        const char **names = pb_arena_calloc(L->scratch, (size_t)(nfull + n) + 1, sizeof *names);
        for (int i = 0; i < nfull + n; i++) {
            FcPatternGetString(k->pattern, i < nfull ? FC_FULLNAME : FC_FAMILY,
                               i < nfull ? i : i - nfull, &name);
            const char *n8 = (const char *)name;
            names[i] = fold_into(pb_arena_alloc(L->scratch, strlen(n8) + 1), n8);
        }
        k->names = names;
        k->nfull = nfull;
        k->nnames = nfull + n;
    }
    const FcPattern *p = k->pattern;
    /* (names whose first bytes differ are passed over without strcmp) */
    for (int i = 0; i < k->nfull; i++)
        if (k->names[i][0] == folded[0] && strcmp(k->names[i], folded) == 0)
            return 0;
    for (int i = k->nfull; i < k->nnames; i++) {
        if (k->names[i][0] != folded[0] || strcmp(k->names[i], folded) != 0)
            continue;
        double w = FC_WEIGHT_REGULAR;
        int slant = FC_SLANT_ROMAN;
        FcPatternGetDouble(p, FC_WEIGHT, 0, &w);
        FcPatternGetInteger(p, FC_SLANT, 0, &slant);
        int weight = (int)(FcWeightToOpenTypeDouble(w) + 0.5);
        FcLangSet *langs;
        bool chinese = FcPatternGetLangSet(p, FC_LANG, 0, &langs) == FcResultMatch &&
                       FcLangSetHasLang(langs, (const FcChar8 *)"zh-cn") == FcLangEqual;
        return 2 + 2 * (abs(weight - 400) + (slant != FC_SLANT_ROMAN ? 1000 : 0)) +
               (chinese ? 0 : 1);
    }
    return -1;
}

/* ---- faces: known at load, opened on first use ------------------------ */

static char *sanitize_ps_name(const char *ps, const char *family, int id)
{
    const char *src[2] = {ps, family};
    for (int k = 0; k < 2; k++) {
        if (!src[k])
            continue;
        char *out = pb_xmalloc(64), *o = out;
        for (const char *s = src[k]; *s && o - out < 63; s++) {
            char c = *s;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c >= '0' && c <= '9') || c == '-')
                *o++ = c;
        }
        *o = 0;
        if (*out)
            return out;
        free(out);
    }
    char *out = pb_xmalloc(32);
    snprintf(out, 32, "PaibanFont%d", id);
    return out;
}

static bool is_serif(FT_Face ftf, const TT_OS2 *os2, const char *family)
{
    if (os2) {
        if (os2->panose[0] == 2 && os2->panose[1] >= 11 && os2->panose[1] <= 15)
            return false;
        if (os2->panose[0] == 2 && os2->panose[1] >= 2 && os2->panose[1] <= 10)
            return true;
        if ((os2->sFamilyClass >> 8) == 8)
            return false;
    }
    static const char *const sans[] = {"Sans", "Hei", "Gothic", "黑", NULL};
    const char *names[2] = {family, ftf->family_name};
    for (int k = 0; k < 2; k++)
        for (int i = 0; names[k] && sans[i]; i++)
            if (strstr(names[k], sans[i]))
                return false;
    return true;
}

static bool has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    bool has = hb_blob_get_length(b) > 0;
    hb_blob_destroy(b);
    return has;
}

/* The metrics PDF needs, from the face's tables. */
static void read_metrics(pb_face *f, FT_Face ftf, hb_face_t *hf)
{
    const char *format = FT_Get_Font_Format(ftf);
    f->is_cff = (format && strcmp(format, "CFF") == 0) ||
                has_table(hf, HB_TAG('C', 'F', 'F', ' '));
    f->upem = (int)hb_face_get_upem(hf);
    TT_OS2 *os2 = FT_Get_Sfnt_Table(ftf, FT_SFNT_OS2);
    TT_HoriHeader *hhea = FT_Get_Sfnt_Table(ftf, FT_SFNT_HHEA);
    TT_Postscript *post = FT_Get_Sfnt_Table(ftf, FT_SFNT_POST);
    if (os2 && (os2->sTypoAscender || os2->sTypoDescender)) {
        f->ascender = os2->sTypoAscender;
        f->descender = os2->sTypoDescender;
    } else if (hhea) {
        f->ascender = hhea->Ascender;
        f->descender = hhea->Descender;
    } else {
        f->ascender = ftf->ascender;
        f->descender = ftf->descender;
    }
    f->weight = os2 ? os2->usWeightClass : (ftf->style_flags & FT_STYLE_FLAG_BOLD ? 700 : 400);
    if (f->weight > 0 && f->weight < 10)
        f->weight *= 100;
    f->is_bold = f->weight >= 600 || (ftf->style_flags & FT_STYLE_FLAG_BOLD);
    if (post) {
        FT_Fixed a = post->italicAngle;
        f->italic_angle = (int)((a >= 0 ? a + 0x8000 : a - 0x8000) / 0x10000);
    }
    f->bbox[0] = (int)ftf->bbox.xMin;
    f->bbox[1] = (int)ftf->bbox.yMin;
    f->bbox[2] = (int)ftf->bbox.xMax;
    f->bbox[3] = (int)ftf->bbox.yMax;
    f->fixed_pitch = FT_IS_FIXED_WIDTH(ftf);
    f->serif = is_serif(ftf, os2, f->family);
    if (os2 && os2->version >= 2 && os2->sCapHeight > 0) {
        f->cap_height = os2->sCapHeight;
    } else {
        hb_codepoint_t g;
        hb_glyph_extents_t ext;
        if (hb_font_get_nominal_glyph(f->hb_font, 'H', &g) &&
            hb_font_get_glyph_extents(f->hb_font, g, &ext) && ext.y_bearing > 0)
            f->cap_height = ext.y_bearing;
        else
            f->cap_height = f->ascender;
    }
}

/* A face slot for face `index` of path, or the one already there (the
 * same file and index, however it was named).  p is the face's pattern,
 * NULL for a file fontconfig did not take; fault, if not NULL, is why the
 * face can never be used (it is born broken). */
static int add_face(loader *L, const char *path, int index, const FcPattern *p,
                    const char *fault)
{
    pb_fontset *fs = L->fs;
    struct stat st;
    bool known = stat(path, &st) == 0;
    if (!known)
        st.st_dev = 0, st.st_ino = 0;
    for (int i = 0; known && i < fs->nfaces; i++) {
        const font_file *ff = &fs->files[fs->file_of[i]];
        if (ff->dev == st.st_dev && ff->ino == st.st_ino && fs->faces[i]->index == index)
            return i;
    }
    int file = -1;
    for (int i = 0; known && i < fs->nfiles && file < 0; i++)
        if (fs->files[i].dev == st.st_dev && fs->files[i].ino == st.st_ino)
            file = i;
    if (file < 0) {
        if (fs->nfiles == fs->files_cap) {
            int cap = fs->files_cap ? fs->files_cap * 2 : 8;
            fs->files = pb_xrealloc(fs->files, (size_t)cap * sizeof *fs->files);
            fs->files_cap = cap;
        }
        fs->files[fs->nfiles] = (font_file){pb_xstrdup(path), st.st_dev, st.st_ino, NULL};
        file = fs->nfiles++;
    }
    if (fs->nfaces == fs->faces_cap) {
        int cap = fs->faces_cap ? fs->faces_cap * 2 : 8;
        fs->file_of = pb_xrealloc(fs->file_of, (size_t)cap * sizeof *fs->file_of);
        fs->fault = pb_xrealloc(fs->fault, (size_t)cap * sizeof *fs->fault);
        fs->state = pb_xrealloc((void *)fs->state, (size_t)cap * sizeof *fs->state);
        fs->faces = pb_xrealloc(fs->faces, (size_t)cap * sizeof *fs->faces);
        fs->faces_cap = cap;
    }
    int id = fs->nfaces;
    fs->file_of[id] = file;
    fs->fault[id] = NULL;
    atomic_init(&fs->state[id], FACE_CLOSED);
    fs->faces[id] = NULL;
    pb_face *f = pb_xcalloc(1, sizeof *f);
    fs->faces[id] = f;
    fs->nfaces++;
    f->id = id;
    f->index = index;
    f->file = pb_xstrdup(path);
    f->family = pb_xstrdup(p ? english_family(p, path) : base_name(path));
    if (fault) {
        fs->fault[id] = pb_xstrdup(fault);
        atomic_init(&fs->state[id], FACE_BROKEN);
    }
    return id;
}

/* What open_face made of a face, given back (the face stays known). */
static void close_face(pb_face *f)
{
    hb_font_destroy(f->hb_font);
    hb_face_destroy(f->hb_face);
    free(f->postscript_name);
    free(f->facts);
    free(f->outlines);
    f->outlines = NULL;
    pb_face_programs_free(f->programs);
    f->programs = NULL;
    f->hb_font = NULL;
    f->hb_face = NULL;
    f->postscript_name = NULL;
    f->facts = NULL;
}

typedef struct mapping {
    void *addr;
    size_t len;
} mapping;

static void unmap(void *user)
{
    mapping *m = user;
    munmap(m->addr, m->len);
    free(m);
}

typedef enum opened { OPENED, FAULTY, NO_MEMORY } opened;

/* Maps a font file once for all its faces (read-only, shared pages). */
static opened map_file(font_file *ff, char *why, size_t whylen)
{
    int fd = open(ff->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
        if (fd >= 0)
            close(fd);
        return errno == ENOMEM ? NO_MEMORY : FAULTY;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size >= UINT32_MAX) {
        close(fd);
        snprintf(why, whylen, "%s", !S_ISREG(st.st_mode) ? "not a regular file"
                                    : st.st_size == 0   ? "not an OpenType or TrueType font (empty)"
                                                        : "too large for a font (4 GB or more)");
        return FAULTY;
    }
    size_t len = (size_t)st.st_size;
    void *addr = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    close(fd);
    if (addr == MAP_FAILED) {
        snprintf(why, whylen, "cannot be read (%s)", strerror(err));
        return err == ENOMEM || err == EAGAIN ? NO_MEMORY : FAULTY;
    }
    mapping *m = malloc(sizeof *m);
    if (!m) {
        munmap(addr, len);
        return NO_MEMORY;
    }
    *m = (mapping){addr, len};
    ff->blob = hb_blob_create(addr, (unsigned)len, HB_MEMORY_MODE_READONLY, m, unmap);
    if (hb_blob_get_length(ff->blob) == 0) { /* HarfBuzz has unmapped it */
        hb_blob_destroy(ff->blob);
        ff->blob = NULL;
        return NO_MEMORY;
    }
    return OPENED;
}

/* Opens face id (the set's lock held): maps its file, checks its tables,
 * reads its names and metrics with FreeType, makes its HarfBuzz face and
 * font, and checks a few glyphs.  FAULTY with the reason in why, and
 * NO_MEMORY when memory ran out (only memory, not the font, is to blame:
 * a failure inside HarfBuzz is blamed on the font only when memory can be
 * had, see pb_memory_short). */
static opened open_face(pb_fontset *fs, int id, char *why, size_t whylen)
{
    pb_face *f = fs->faces[id];
    font_file *ff = &fs->files[fs->file_of[id]];
    if (!ff->blob) {
        opened o = map_file(ff, why, whylen);
        if (o != OPENED)
            return o;
    }
    unsigned len = 0;
    const unsigned char *data = (const unsigned char *)hb_blob_get_data(ff->blob, &len);
    char fault[200];
    if (!pb_font_check_tables(data, len, f->index, fault, sizeof fault)) {
        snprintf(why, whylen, "not a usable font file (%s)", fault);
        return FAULTY;
    }
    /* the memory a HarfBuzz face may copy (a table it mends), and more */
    size_t need = (size_t)len + (16u << 20);

    FT_Face ftf;
    FT_Error e = FT_New_Memory_Face(fs->ft, data, (FT_Long)len, f->index, &ftf);
    if (e == FT_Err_Out_Of_Memory)
        return NO_MEMORY;
    if (e) {
        snprintf(why, whylen, "not a usable font file (FreeType error 0x%02X: %s)",
                 (unsigned)e, ft_error_text(e));
        return pb_memory_short(need) ? NO_MEMORY : FAULTY;
    }
    const char *problem = NULL;
    if (!FT_IS_SFNT(ftf) || !FT_IS_SCALABLE(ftf))
        problem = "not an OpenType or TrueType font";
    else if (!ftf->charmap || ftf->charmap->encoding != FT_ENCODING_UNICODE)
        problem = "it has no Unicode character map";
    if (problem) {
        FT_Done_Face(ftf);
        snprintf(why, whylen, "not a usable font file (%s)", problem);
        return FAULTY;
    }
    f->hb_face = hb_face_create(ff->blob, (unsigned)f->index);
    f->nglyphs = hb_face_get_glyph_count(f->hb_face);
    if (f->nglyphs == 0 || f->nglyphs != (unsigned)ftf->num_glyphs) {
        snprintf(why, whylen, "not a usable font file (HarfBuzz reads %u glyphs, FreeType %ld)",
                 f->nglyphs, (long)ftf->num_glyphs);
        FT_Done_Face(ftf);
        return pb_memory_short(need) ? NO_MEMORY : FAULTY;
    }
    hb_face_make_immutable(f->hb_face);
    f->hb_font = hb_font_create(f->hb_face);
    if (f->hb_font == hb_font_get_empty()) {
        FT_Done_Face(ftf);
        return NO_MEMORY;
    }
    hb_ot_font_set_funcs(f->hb_font);
    f->upem = (int)hb_face_get_upem(f->hb_face);
    hb_font_set_scale(f->hb_font, f->upem, f->upem);
    hb_font_make_immutable(f->hb_font);
    f->facts = pb_xcalloc(f->nglyphs, 1);
    f->programs = pb_face_programs_new();
    f->outlines = pb_font_outlines_new(data, len, f->index);
    if (!f->facts || !f->programs) {
        FT_Done_Face(ftf);
        return NO_MEMORY;
    }
    if (!f->family || strcmp(f->family, base_name(f->file)) == 0) {
        free(f->family);
        f->family = pb_xstrdup(ftf->family_name ? ftf->family_name : base_name(f->file));
    }
    f->postscript_name = sanitize_ps_name(FT_Get_Postscript_Name(ftf), f->family, f->id);
    read_metrics(f, ftf, f->hb_face);
    FT_Done_Face(ftf); /* HarfBuzz serves from here on */
    if (!pb_font_check_probes(f, fault, sizeof fault)) {
        snprintf(why, whylen, "not a usable font file (%s)", fault);
        return pb_memory_short(need) ? NO_MEMORY : FAULTY;
    }
    return OPENED;
}

/* open_face with the set's lock held: running out of memory gives back
 * what the face had, unlocks and passes the jump on. */
static opened open_locked(pb_fontset *fs, int id, char *why, size_t whylen)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        close_face(fs->faces[id]);
        pthread_mutex_unlock(&fs->lock);
        pb_oom_rethrow();
    }
    opened o = open_face(fs, id, why, whylen);
    pb_oom_leave(&scope);
    return o;
}

/* Opens face id for every view, once; its state after.  Memory running
 * out leaves it closed (a later call may open it) and passes the jump on. */
static int ensure_open(const pb_fontset *set, int id)
{
    pb_fontset *fs = (pb_fontset *)set; /* opening is the set's own business */
    int st = atomic_load_explicit(&fs->state[id], memory_order_acquire);
    if (st != FACE_CLOSED)
        return st;
    pthread_mutex_lock(&fs->lock);
    st = atomic_load_explicit(&fs->state[id], memory_order_relaxed);
    if (st != FACE_CLOSED) {
        pthread_mutex_unlock(&fs->lock);
        return st;
    }
    char why[300];
    opened o = open_locked(fs, id, why, sizeof why);
    if (o == OPENED) {
        st = FACE_OPEN;
    } else {
        close_face(fs->faces[id]);
        if (o == FAULTY && (fs->fault[id] = strdup(why)) != NULL)
            st = FACE_BROKEN;
        else
            o = NO_MEMORY;
    }
    if (st != FACE_CLOSED)
        atomic_store_explicit(&fs->state[id], st, memory_order_release);
    pthread_mutex_unlock(&fs->lock);
    if (o == NO_MEMORY && pb_oom_armed())
        pb_oom_rethrow();
    return st;
}

/* ---- resolving candidates ------------------------------------------- */

/* The file a candidate names in the folders ranked `tier` (an exact name
 * beats a case-insensitive one: "SIMFANG.TTF" for "simfang.ttf"), then its
 * face: `index`; or, given a family and index 0, the face of the
 * collection whose names match best (else face 0).  NULL if those folders
 * do not have it; *faces is the number of faces it has, and the result's
 * index differs from the one asked for when it has no such face. */
static const known_face *find_file(loader *L, const pb_font_candidate *c, int tier, int *faces)
{
    const known_face *exact = NULL, *folded = NULL;
    for (int i = 0; i < L->nknown && !exact; i++) {
        const known_face *k = &L->known[i];
        if (k->tier != tier)
            continue;
        /* names whose first letters differ (ASCII, in any case) are
           neither the same nor the same but for case */
        unsigned char a = (unsigned char)k->base[0], b = (unsigned char)c->file[0];
        if (a < 0x80 && b < 0x80 && (a | 0x20) != (b | 0x20))
            continue;
        if (strcmp(k->base, c->file) == 0)
            exact = k;
        else if (!folded && strcasecmp(k->base, c->file) == 0)
            folded = k;
    }
    const known_face *hit = exact ? exact : folded;
    if (!hit)
        return NULL;
    char *family = c->family && *c->family && c->index == 0 ? fold(c->family) : NULL;
    known_face *pick = NULL, *zero = NULL;
    int best = -1;
    *faces = 0;
    for (int i = 0; i < L->nknown; i++) {
        known_face *k = &L->known[i];
        if (k->file_hash != hit->file_hash || strcmp(k->file, hit->file) != 0)
            continue;
        (*faces)++;
        if (k->index == 0 && !zero)
            zero = k;
        if (family) {
            int s = match_score(L, k, family);
            if (s >= 0 && (best < 0 || s < best)) {
                best = s;
                pick = k;
            }
        } else if (k->index == c->index && !pick) {
            pick = k;
        }
    }
    free(family);
    return pick ? pick : zero ? zero : hit;
}

/* A file of that name directly in paiban's folder `tier` that fontconfig
 * did not take (not a font, or damaged): its path (arena), or NULL. */
static const char *rejected_file(loader *L, const char *name, int tier, pb_arena *a)
{
    const pb_font_dirs *d = L->dirs;
    if (tier >= d->count || !d->dirs[tier] || !*d->dirs[tier])
        return NULL;
    char *path = pb_arena_printf(a, "%s/%s", d->dirs[tier], name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? path : NULL;
}

/* Resolves one candidate to face ids (added to ids, at most 8): the file
 * it names in each folder that has one, best-ranked first, else the faces
 * that match its family best (the same face in several folders).  A
 * damaged copy in one folder is passed over for the next.  None if
 * nothing matches. */
static int resolve(loader *L, const pb_font_candidate *c, int *ids, pb_arena *a)
{
    bool has_family = c->family && *c->family;
    int n = 0;
    for (int tier = 0; c->file && *c->file && tier <= L->dirs->count && n < 8; tier++) {
        int faces = 0;
        const known_face *k = find_file(L, c, tier, &faces);
        const char *path = k ? k->file : rejected_file(L, c->file, tier, a);
        if (!path)
            continue;
        char why[120];
        if (k && c->index != 0 && k->index != c->index) {
            snprintf(why, sizeof why, "the file has %d face%s, there is no face %d", faces,
                     faces == 1 ? "" : "s", c->index);
            ids[n++] = add_face(L, path, c->index, NULL, why);
        } else {
            ids[n++] = add_face(L, path, k ? k->index : c->index, k ? k->pattern : NULL, NULL);
        }
    }
    if (n > 0 || !has_family)
        return n;
    char *folded = fold(c->family);
    int best = -1;
    int *score = pb_arena_calloc(a, (size_t)L->nknown + 1, sizeof *score);
    for (int i = 0; i < L->nknown; i++) {
        score[i] = match_score(L, &L->known[i], folded);
        if (score[i] >= 0 && (best < 0 || score[i] < best))
            best = score[i];
    }
    free(folded);
    /* paiban's folders before the system's, in fontconfig's order */
    for (int tier = 0; best >= 0 && tier <= L->dirs->count && n < 8; tier++)
        for (int i = 0; i < L->nknown && n < 8; i++)
            if (score[i] == best && L->known[i].tier == tier)
                ids[n++] = add_face(L, L->known[i].file, L->known[i].index,
                                    L->known[i].pattern, NULL);
    return n;
}

/* "family \"X\" or file Y#2, ..." within about limit bytes. */
static void describe_candidates(const pb_font_role *role, char *out, size_t limit)
{
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; i < role->ncandidates; i++) {
        const pb_font_candidate *c = &role->candidates[i];
        char one[300];
        int m = 0;
        if (c->file && *c->file)
            m += snprintf(one + m, sizeof one - (size_t)m, "%s", c->file);
        if (c->file && *c->file && c->index)
            m += snprintf(one + m, sizeof one - (size_t)m, "#%d", c->index);
        if (c->family && *c->family)
            snprintf(one + m, sizeof one - (size_t)m, "%s\"%s\"", m ? " or " : "", c->family);
        size_t need = strlen(one) + (i ? 2 : 0);
        if (k + need + 24 > limit) {
            snprintf(out + k, limit - k, ", and %d more", role->ncandidates - i);
            return;
        }
        k += (size_t)snprintf(out + k, limit - k, "%s%s", i ? ", " : "", one);
    }
}

static void describe_dirs(const pb_font_dirs *dirs, char *out, size_t limit)
{
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; dirs && i < dirs->count; i++) {
        const char *d = dirs->dirs[i] ? dirs->dirs[i] : "";
        if (k + strlen(d) + 2 + 40 > limit) {
            snprintf(out + k, limit - k, ", ...");
            return;
        }
        k += (size_t)snprintf(out + k, limit - k, "%s%s", i ? ", " : "", d);
    }
    if (dirs && dirs->system_fonts)
        snprintf(out + k, limit - k, "%sthe fonts fontconfig knows", k ? ", " : "");
    else if (k == 0)
        snprintf(out, limit, "(no folders)");
}

static void resolve_roles(loader *L, const pb_layout *layout, pb_arena *a)
{
    pb_fontset *fs = L->fs;
    fs->roles = pb_xcalloc((size_t)layout->nroles + 1, sizeof *fs->roles);
    for (int r = 0; r < layout->nroles; r++) {
        const pb_font_role *role = &layout->roles[r];
        role_chain *chain = &fs->roles[r];
        fs->nroles = r + 1;
        chain->name = pb_xstrdup(role->name ? role->name : "");
        size_t cap = (size_t)role->ncandidates * 8 + 1;
        chain->faces = pb_xcalloc(cap, sizeof *chain->faces);
        chain->source = pb_xcalloc(cap, sizeof *chain->source);
        chain->path = pb_xcalloc(cap, sizeof *chain->path);
        for (int i = 0; i < role->ncandidates; i++) {
            const pb_font_candidate *c = &role->candidates[i];
            int ids[8];
            int n = resolve(L, c, ids, a);
            for (int k = 0; k < n; k++) {
                bool dup = false;
                for (int j = 0; j < chain->nfaces && !dup; j++)
                    dup = chain->faces[j] == ids[k];
                if (dup)
                    continue;
                int j = chain->nfaces++;
                chain->faces[j] = ids[k];
                chain->source[j] = pb_xstrdup(c->source ? c->source : "");
                chain->path[j] = pb_xstrdup(c->path ? c->path : "");
            }
        }
        if (chain->nfaces == 0) {
            const pb_font_candidate *first = role->ncandidates ? &role->candidates[0] : NULL;
            char tried[560], where[400];
            describe_candidates(role, tried, sizeof tried);
            describe_dirs(L->dirs, where, sizeof where);
            pb_diag_error(L->diag, PB_ERR_LAYOUT,
                          first && first->source ? first->source : role->source,
                          first && first->path ? first->path : role->path,
                          "font role \"%s\": none of its fonts was found (tried: %s; "
                          "searched: %s)",
                          chain->name, role->ncandidates ? tried : "no candidates", where);
        }
    }
}

static void loader_done(loader *L)
{
    if (L->own_set)
        FcFontSetDestroy(L->own_set);
    if (L->own)
        FcConfigDestroy(L->own);
    if (L->sys)
        FcConfigDestroy(L->sys);
    L->own_set = NULL;
    L->own = L->sys = NULL;
    free(L->known);
    free(L->visited);
    for (int i = 0; i < L->nrejected; i++) {
        free(L->rejected[i].path);
        free(L->rejected[i].why);
    }
    free(L->rejected);
    L->known = NULL;
    L->visited = NULL;
    L->rejected = NULL;
    L->nrejected = 0;
}

/* A file beside the report or the layout that is named like a font but
 * is none is worth a warning, unless a candidate names it: then it gets
 * its own message when its role needs it. */
static void warn_rejected(loader *L)
{
    for (int i = 0; i < L->nrejected; i++) {
        const struct rejected *r = &L->rejected[i];
        bool named = false;
        for (int f = 0; f < L->fs->nfiles && !named; f++)
            named = L->fs->files[f].dev == r->dev && L->fs->files[f].ino == r->ino;
        if (!named)
            pb_diag_warning(L->diag, r->path, NULL, "%s; skipped", r->why);
    }
}

typedef struct load_state {
    loader L;
    const pb_layout *layout;
    pb_arena *arena;      /* owned: scratch */
} load_state;

static void load(load_state *s)
{
    s->arena = pb_arena_new();
    s->L.scratch = s->arena;
    find_faces(&s->L, s->arena);
    if (!s->L.own_set) {
        pb_diag_error(s->L.diag, PB_ERR_INTERNAL, NULL, NULL, "fontconfig cannot start");
        return;
    }
    resolve_roles(&s->L, s->layout, s->arena);
    warn_rejected(&s->L);
}

/* Runs load(); running out of memory frees what was made and passes the
 * jump on. */
static void load_guarded(load_state *s)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        loader_done(&s->L);
        pb_fonts_free(s->L.fs);
        pb_arena_free(s->arena);
        pb_oom_rethrow();
    }
    load(s);
    pb_oom_leave(&scope);
}

pb_fontset *pb_fonts_load(const pb_layout *layout, const pb_font_dirs *dirs,
                          pb_diag *diag)
{
    pb_fontset *fs = pb_xcalloc(1, sizeof *fs);
    if (!fs)
        return NULL;
    FT_Error e = FT_Init_FreeType(&fs->ft);
    if (e) {
        free(fs);
        if (e == FT_Err_Out_Of_Memory && pb_oom_armed())
            pb_oom_rethrow();
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL,
                      "FreeType cannot start (error 0x%02X: %s)", (unsigned)e,
                      ft_error_text(e));
        return NULL;
    }
    pthread_mutex_init(&fs->lock, NULL);
    static const pb_font_dirs none = {0};
    int errors_before = diag->errors;
    load_state s = {.L = {.fs = fs, .dirs = dirs ? dirs : &none, .diag = diag},
                    .layout = layout};
    load_guarded(&s);
    loader_done(&s.L);
    pb_arena_free(s.arena);
    if (diag->errors > errors_before) {
        pb_fonts_free(fs);
        return NULL;
    }
    return fs;
}

void pb_fonts_free(pb_fontset *fs)
{
    if (!fs || fs->set)
        return; /* a view lives in its arena */
    for (int i = 0; i < fs->nfaces; i++) {
        pb_face *f = fs->faces[i];
        if (f) {
            close_face(f);
            free(f->file);
            free(f->family);
            free(f);
        }
        free(fs->fault[i]);
    }
    free(fs->faces);
    free(fs->fault);
    free((void *)fs->state);
    free(fs->file_of);
    for (int i = 0; i < fs->nfiles; i++) {
        hb_blob_destroy(fs->files[i].blob);
        free(fs->files[i].path);
    }
    free(fs->files);
    for (int r = 0; r < fs->nroles; r++) {
        role_chain *c = &fs->roles[r];
        for (int i = 0; i < c->nfaces; i++) {
            free(c->source[i]);
            free(c->path[i]);
        }
        free(c->name);
        free(c->faces);
        free(c->source);
        free(c->path);
    }
    free(fs->roles);
    FT_Done_FreeType(fs->ft);
    pthread_mutex_destroy(&fs->lock);
    free(fs);
}

pb_fontset *pb_fonts_view(const pb_fontset *set, pb_diag *diag, pb_arena *arena)
{
    set = set_of(set);
    if (!set)
        return NULL;
    pb_fontset *v = pb_arena_alloc(arena, sizeof *v);
    view_state *s = pb_arena_alloc(arena, sizeof *s);
    int n = set->nfaces > 0 ? set->nfaces : 1;
    s->diag = diag;
    s->rejected = pb_arena_calloc(arena, (size_t)n, sizeof *s->rejected);
    s->told = pb_arena_calloc(arena, (size_t)n, 1);
    s->used = pb_arena_calloc(arena, (size_t)n * (size_t)(set->nroles > 0 ? set->nroles : 1), 1);
    s->memo = pb_arena_calloc(arena, PICK_MEMO, sizeof *s->memo);
    s->arena = arena;
    v->set = set;
    v->view = s;
    return v;
}

int pb_fonts_face_count(const pb_fontset *fs)
{
    fs = set_of(fs);
    return fs ? fs->nfaces : 0;
}

const pb_face *pb_fonts_face(const pb_fontset *fs, int id)
{
    fs = set_of(fs);
    return fs && id >= 0 && id < fs->nfaces ? fs->faces[id] : NULL;
}

int pb_fonts_role(const pb_fontset *fs, const char *name)
{
    fs = set_of(fs);
    for (int r = 0; fs && name && r < fs->nroles; r++)
        if (strcmp(fs->roles[r].name, name) == 0)
            return r;
    return -1;
}

const char *pb_fonts_role_name(const pb_fontset *fs, int role)
{
    fs = set_of(fs);
    return fs && role >= 0 && role < fs->nroles ? fs->roles[role].name : NULL;
}

int pb_fonts_role_face_count(const pb_fontset *fs, int role)
{
    fs = set_of(fs);
    return fs && role >= 0 && role < fs->nroles ? fs->roles[role].nfaces : 0;
}

const pb_face *pb_fonts_role_face(const pb_fontset *fs, int role, int i)
{
    fs = set_of(fs);
    if (!fs || role < 0 || role >= fs->nroles || i < 0 || i >= fs->roles[role].nfaces)
        return NULL;
    return fs->faces[fs->roles[role].faces[i]];
}

uint32_t pb_fonts_glyph(const pb_face *face, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (!face || !face->hb_font || !hb_font_get_nominal_glyph(face->hb_font, cp, &g))
        return 0;
    return g;
}

const char *pb_fonts_fault(const pb_fontset *fs, int id)
{
    const pb_fontset *set = set_of(fs);
    if (!set || id < 0 || id >= set->nfaces)
        return NULL;
    if (atomic_load_explicit(&set->state[id], memory_order_acquire) == FACE_BROKEN)
        return set->fault[id];
    return fs->view ? fs->view->rejected[id] : NULL;
}

/* Face id of the role's chain position i, opened; false when it cannot
 * serve in this view. */
static bool usable(const pb_fontset *fs, int id)
{
    const pb_fontset *set = set_of(fs);
    if (ensure_open(set, id) != FACE_OPEN)
        return false;
    return !(fs->view && fs->view->rejected[id]);
}

/* Reports, once per view, that face id (position i of role r) was passed
 * over: a warning, or an error when no face of the role can serve. */
static void tell_fault(const pb_fontset *fs, int r, int i, bool none_serves)
{
    view_state *v = fs->view;
    const pb_fontset *set = set_of(fs);
    int id = set->roles[r].faces[i];
    unsigned char level = none_serves ? 2 : 1;
    if (!v || !v->diag || v->told[id] >= level)
        return;
    v->told[id] = level;
    const char *why = pb_fonts_fault(fs, id);
    if (none_serves)
        pb_diag_error(v->diag, PB_ERR_LAYOUT, set->roles[r].source[i], set->roles[r].path[i],
                      "%s: %s", set->faces[id]->file, why ? why : "not usable");
    else
        pb_diag_warning(v->diag, set->faces[id]->file, NULL, "%s; skipped",
                        why ? why : "not usable");
}

/* Whether any face of role r can serve in this view. */
static bool role_serves(const pb_fontset *fs, int r)
{
    const role_chain *c = &set_of(fs)->roles[r];
    for (int i = 0; i < c->nfaces; i++)
        if (usable(fs, c->faces[i]))
            return true;
    return false;
}

/* The view's memo of pb_fonts_pick for (role, cp): a role of fewer than
 * 2,048 and a character of 21 bits make the key; NULL when they do not. */
static uint64_t *pick_memo(const view_state *v, int role, uint32_t cp)
{
    if (!v || role < 0 || role >= 2048 || cp > 0x1FFFFF)
        return NULL;
    return &v->memo[(cp ^ (uint32_t)role * 0x9E3779B1u) & (PICK_MEMO - 1)];
}

static uint64_t pick_key(int role, uint32_t cp)
{
    return (uint64_t)role << 21 | cp;
}

/* pb_fonts_pick when the memo does not know the answer: the role's chain
 * walked (kept out of line: a document asks the memo for every character,
 * the chain only for the first of each). */
static __attribute__((noinline)) const pb_face *pick_in_chain(const pb_fontset *fs, int role,
                                                              uint32_t cp)
{
    const pb_fontset *set = set_of(fs);
    if (!set || role < 0 || role >= set->nroles)
        return NULL;
    const role_chain *c = &set->roles[role];
    view_state *v = fs->view;
    uint64_t key = pick_key(role, cp);
    uint64_t *slot = pick_memo(v, role, cp);
    bool warned = false;
    int passed = -1; /* the first unusable face before the one that serves */
    for (int i = 0; i < c->nfaces; i++) {
        int id = c->faces[i];
        if (!usable(fs, id)) {
            if (passed < 0)
                passed = i;
            continue;
        }
        const pb_face *f = set->faces[id];
        hb_codepoint_t g;
        if (!hb_font_get_nominal_glyph(f->hb_font, cp, &g) || g == 0)
            continue;
        char why[240];
        uint32_t gid = g;
        if (!pb_font_check_cluster(f, &cp, 1, &gid, 1, false, why, sizeof why)) {
            /* a damaged glyph: the next face prints this character */
            if (v && v->diag)
                pb_diag_warning(v->diag, f->file, NULL,
                                "%s; the next font of the role prints it", why);
            warned = true;
            continue;
        }
        for (int k = passed; k >= 0 && k < i; k++)
            if (!usable(fs, c->faces[k]))
                tell_fault(fs, role, k, false);
        if (v)
            v->used[(size_t)role * (size_t)set->nfaces + (size_t)id] = 1;
        if (slot && !warned && passed < 0)
            *slot = (uint64_t)(id + 1) << 32 | key;
        return f;
    }
    if (passed >= 0) {
        bool none = !role_serves(fs, role);
        for (int k = passed; k < c->nfaces; k++)
            if (!usable(fs, c->faces[k]))
                tell_fault(fs, role, k, none);
    }
    return NULL;
}

const pb_face *pb_fonts_pick(const pb_fontset *fs, int role, uint32_t cp)
{
    /* an answer is kept only for a role of the set */
    const uint64_t *slot = fs ? pick_memo(fs->view, role, cp) : NULL;
    if (slot && *slot && (*slot & 0xFFFFFFFFu) == pick_key(role, cp))
        return set_of(fs)->faces[(*slot >> 32) - 1];
    return pick_in_chain(fs, role, cp);
}

const pb_face *pb_fonts_first(const pb_fontset *fs, int role)
{
    const pb_fontset *set = set_of(fs);
    if (!set || role < 0 || role >= set->nroles)
        return NULL;
    const role_chain *c = &set->roles[role];
    for (int i = 0; i < c->nfaces; i++)
        if (usable(fs, c->faces[i]))
            return set->faces[c->faces[i]];
    return NULL;
}

void pb_fonts_reject(const pb_fontset *fs, int id, const char *why)
{
    view_state *v = fs ? fs->view : NULL;
    const pb_fontset *set = set_of(fs);
    if (!v || id < 0 || id >= set->nfaces || v->rejected[id])
        return;
    v->rejected[id] = pb_arena_strdup(v->arena, why);
    v->nrejected++;
    memset(v->memo, 0, PICK_MEMO * sizeof *v->memo);
    /* the document is made again: what served it so far does not count */
    memset(v->used, 0, (size_t)set->nroles * (size_t)set->nfaces);
}

int pb_fonts_rejected(const pb_fontset *fs)
{
    return fs && fs->view ? fs->view->nrejected : 0;
}

void pb_fonts_describe(const pb_fontset *fs, pb_diag *diag)
{
    const pb_fontset *set = set_of(fs);
    for (int r = 0; set && r < set->nroles; r++) {
        const role_chain *c = &set->roles[r];
        bool first = true;
        for (int i = 0; i < c->nfaces; i++) {
            int id = c->faces[i];
            bool used = fs->view ? fs->view->used[(size_t)r * (size_t)set->nfaces + (size_t)id]
                                 : atomic_load(&set->state[id]) == FACE_OPEN;
            if (!used)
                continue;
            const pb_face *f = set->faces[id];
            pb_diag_info(diag, "%s: %s%s#%d (%s, %s%s)", c->name, first ? "" : "fallback ",
                         f->file, f->index, f->family, f->is_cff ? "CFF" : "TrueType",
                         f->is_bold ? ", bold" : "");
            first = false;
        }
    }
}
