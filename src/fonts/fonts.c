/* Fonts stage: resolves the layout's font roles to faces.
 *
 * A candidate names a file (found by name in the font folders, searched
 * recursively) and/or a family (matched against the name tables of every
 * font file in the folders).  The folder walk and the name-table scan are
 * each done at most once per load, and only when a candidate needs them.
 * The scan reads just the table directory, 'name' and 'OS/2' of each file:
 * opening every face with FreeType was about ten times slower, and the
 * default catalog starts with office fonts most machines lack, so a scan
 * happens on nearly every run.  Only the faces chosen are opened with
 * FreeType and HarfBuzz. */
#define _DEFAULT_SOURCE /* d_type in struct dirent: saves a stat per file */
#include "fonts/fonts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H
#include FT_TRUETYPE_TABLES_H

#include <hb-ot.h>

#include "base/arena.h"
#include "base/utf8.h"

#define MAX_DEPTH 6
#define MAX_FILES 50000

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
    char *name;  /* owned */
    int *faces;  /* owned: face ids, primary first */
    int nfaces;
} role_chain;

struct pb_fontset {
    FT_Library ft;
    pb_face **faces; /* owned */
    int nfaces;
    role_chain *roles; /* owned */
    int nroles;
};

/* ---- load-time state ------------------------------------------------ */

typedef struct found_file {
    char *path; /* owned */
    int dir;    /* index in the folder list */
} found_file;

/* One face seen by the family scan. */
typedef struct scan_face {
    int file;      /* index in loader.files */
    int index;
    char **names;  /* owned: name IDs 1, 4, 16 in every language, folded */
    bool *full;    /* owned: names[k] came from name ID 4 (full name) */
    int nnames;
    int weight;
    bool italic;
} scan_face;

typedef struct face_key {
    dev_t dev;
    ino_t ino;
    int index;
} face_key;

typedef struct loader {
    pb_fontset *fs;
    const pb_font_dirs *dirs;
    pb_diag *diag;

    bool walked;
    found_file *files;
    int nfiles, files_cap;
    int root_files; /* files found under the folder being walked */
    face_key *visited; /* hash set of folders walked (symlink loops) */
    size_t nvisited, visited_cap;

    bool scanned;
    scan_face *scan;
    int nscan, scan_cap;

    face_key *keys; /* parallel to fs->faces, for deduplication */
    int faces_cap;

    iconv_t gb; /* GB18030 -> UTF-8, opened on first use */
    bool gb_tried;
} loader;

#define GROW(arr, n, cap)                                                   \
    do {                                                                    \
        if ((n) == (cap)) {                                                 \
            (cap) = (cap) ? (cap) * 2 : 16;                                 \
            (arr) = pb_xrealloc((arr), (size_t)(cap) * sizeof *(arr));      \
        }                                                                   \
    } while (0)

/* ---- folder walk ---------------------------------------------------- */

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = pb_xmalloc(a + b + 2);
    memcpy(p, dir, a);
    size_t k = a;
    if (k == 0 || p[k - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, name, b + 1);
    return p;
}

typedef struct dir_entry {
    char *name;
    unsigned char type; /* d_type: DT_UNKNOWN and DT_LNK need a stat */
} dir_entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

/* Adds a folder to the visited set; false if it was there. */
static bool visit(loader *L, dev_t dev, ino_t ino)
{
    if (2 * (L->nvisited + 1) > L->visited_cap) {
        size_t old_cap = L->visited_cap;
        face_key *old = L->visited;
        L->visited_cap = old_cap ? old_cap * 2 : 64;
        L->visited = pb_xcalloc(L->visited_cap, sizeof *L->visited);
        L->nvisited = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].index)
                visit(L, old[i].dev, old[i].ino);
        free(old);
    }
    uint64_t x = ((uint64_t)ino ^ ((uint64_t)dev << 32)) * 0x9E3779B97F4A7C15u;
    size_t h = (size_t)(x >> 32);
    for (size_t i = h & (L->visited_cap - 1);; i = (i + 1) & (L->visited_cap - 1)) {
        face_key *k = &L->visited[i];
        if (!k->index) {
            *k = (face_key){dev, ino, 1}; /* index marks a used slot */
            L->nvisited++;
            return true;
        }
        if (k->dev == dev && k->ino == ino)
            return false;
    }
}

static void walk(loader *L, int dir_index, const char *dir, int depth)
{
    if (L->root_files >= MAX_FILES)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct stat st;
    if (fstat(dirfd(d), &st) != 0) {
        closedir(d);
        return;
    }
    if (!visit(L, st.st_dev, st.st_ino)) {
        closedir(d);
        return;
    }

    dir_entry *ents = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        GROW(ents, n, cap);
        ents[n++] = (dir_entry){pb_xstrdup(e->d_name), e->d_type};
    }
    closedir(d);
    /* readdir order depends on the file system: sort for stable results */
    if (n > 1)
        qsort(ents, (size_t)n, sizeof *ents, cmp_entry);

    for (int i = 0; i < n; i++) {
        char *path = join(dir, ents[i].name);
        bool is_dir = ents[i].type == DT_DIR, is_reg = ents[i].type == DT_REG;
        if (ents[i].type == DT_UNKNOWN || ents[i].type == DT_LNK) {
            if (stat(path, &st) == 0) {
                is_dir = S_ISDIR(st.st_mode);
                is_reg = S_ISREG(st.st_mode);
            }
        }
        /* hidden folders (.git, .cache) hold no fonts: the report's own
         * folder is searched too, and it may be a home directory */
        if (is_dir && depth < MAX_DEPTH && ents[i].name[0] != '.') {
            walk(L, dir_index, path, depth + 1);
            free(path);
        } else if (is_reg && L->root_files < MAX_FILES) {
            GROW(L->files, L->nfiles, L->files_cap);
            L->files[L->nfiles++] = (found_file){path, dir_index};
            L->root_files++;
        } else {
            free(path);
        }
        free(ents[i].name);
    }
    free(ents);
}

static void walk_all(loader *L)
{
    if (L->walked)
        return;
    L->walked = true;
    /* each folder has its own limit, so a huge first folder (the
     * report's) cannot hide the system fonts */
    for (int i = 0; L->dirs && i < L->dirs->count; i++) {
        const char *dir = L->dirs->dirs[i];
        if (!dir || !*dir)
            continue;
        L->root_files = 0;
        walk(L, i, dir, L->dirs->flat && L->dirs->flat[i] ? MAX_DEPTH : 0);
        if (L->root_files >= MAX_FILES)
            pb_diag_warning(L->diag, dir, NULL,
                            "font search stopped after %d files in this folder", MAX_FILES);
    }
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The first folder that has the file decides; in it an exact name beats a
 * case-insensitive one ("SIMFANG.TTF" for "simfang.ttf"). */
static const char *find_file(loader *L, const char *name)
{
    if (strchr(name, '/')) {
        struct stat st;
        if (name[0] == '/')
            return stat(name, &st) == 0 && S_ISREG(st.st_mode) ? name : NULL;
        return NULL;
    }
    walk_all(L);
    int i = 0;
    while (i < L->nfiles) {
        int dir = L->files[i].dir, folded = -1;
        for (; i < L->nfiles && L->files[i].dir == dir; i++) {
            const char *b = base_name(L->files[i].path);
            if (strcmp(b, name) == 0)
                return L->files[i].path;
            if (folded < 0 && strcasecmp(b, name) == 0)
                folded = i;
        }
        if (folded >= 0)
            return L->files[folded].path;
    }
    return NULL;
}

static bool has_font_extension(const char *path)
{
    const char *dot = strrchr(base_name(path), '.');
    return dot && (strcasecmp(dot, ".ttf") == 0 || strcasecmp(dot, ".otf") == 0 ||
                   strcasecmp(dot, ".ttc") == 0 || strcasecmp(dot, ".otc") == 0);
}

/* ---- sfnt tables ---------------------------------------------------- */

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An open font file, read with pread: the family scan touches a few
 * hundred bytes of each of hundreds of files, where mapping them would
 * cost more than reading. */
typedef struct sfnt_file {
    int fd;
    uint64_t size;
    uint32_t nfaces;
    uint32_t *offsets; /* owned: table directory of each face */
} sfnt_file;

typedef struct sfnt_dir {
    uint32_t ntables;
    unsigned char *records; /* owned: 16 bytes a table */
} sfnt_dir;

static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return true;
}

static void sfnt_close(sfnt_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->offsets);
    f->fd = -1;
    f->offsets = NULL;
}

static bool sfnt_open(const char *path, sfnt_file *f, char *why, size_t whylen)
{
    *f = (sfnt_file){-1, 0, 0, NULL};
    struct stat st;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
        sfnt_close(f);
        return false;
    }
    f->size = (uint64_t)st.st_size;
    unsigned char h[12];
    if (f->size < 12 || !read_at(f->fd, h, 12, 0)) {
        snprintf(why, whylen, "not an OpenType or TrueType font (too short)");
        sfnt_close(f);
        return false;
    }
    if (memcmp(h, "ttcf", 4) == 0) {
        f->nfaces = be32(h + 8);
        if (f->nfaces == 0 || 12 + 4 * (uint64_t)f->nfaces > f->size) {
            snprintf(why, whylen, "truncated or damaged collection header");
            sfnt_close(f);
            return false;
        }
        unsigned char *o = pb_xmalloc(4 * (size_t)f->nfaces);
        bool ok = read_at(f->fd, o, 4 * (size_t)f->nfaces, 12);
        f->offsets = pb_xmalloc(4 * (size_t)f->nfaces);
        for (uint32_t i = 0; ok && i < f->nfaces; i++)
            f->offsets[i] = be32(o + 4 * i);
        free(o);
        if (!ok) {
            snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
            sfnt_close(f);
            return false;
        }
    } else {
        f->nfaces = 1;
        f->offsets = pb_xcalloc(1, sizeof *f->offsets);
    }
    return true;
}

/* Reads the table directory of a face and checks that every table lies
 * inside the file: a truncated download otherwise opens fine and fails
 * later, glyph by glyph. */
static bool sfnt_directory(const sfnt_file *f, uint32_t face, sfnt_dir *dir, char *why,
                           size_t whylen)
{
    *dir = (sfnt_dir){0, NULL};
    uint32_t off = f->offsets[face];
    unsigned char h[12];
    if ((uint64_t)off + 12 > f->size || !read_at(f->fd, h, 12, off)) {
        snprintf(why, whylen, "truncated: the table directory is past the end of the file");
        return false;
    }
    uint32_t version = be32(h);
    if (version != 0x00010000 && version != 0x4F54544F /* OTTO */ &&
        version != 0x74727565 /* true */) {
        snprintf(why, whylen, "not an OpenType or TrueType font");
        return false;
    }
    dir->ntables = be16(h + 4);
    size_t bytes = 16 * (size_t)dir->ntables;
    dir->records = pb_xmalloc(bytes + 1);
    if ((uint64_t)off + 12 + bytes > f->size ||
        !read_at(f->fd, dir->records, bytes, (uint64_t)off + 12)) {
        snprintf(why, whylen, "truncated: the table directory is past the end of the file");
        return false;
    }
    for (uint32_t t = 0; t < dir->ntables; t++) {
        const unsigned char *r = dir->records + 16 * t;
        uint64_t end = (uint64_t)be32(r + 8) + be32(r + 12);
        if (end > f->size) {
            snprintf(why, whylen,
                     "truncated or damaged: table '%c%c%c%c' ends at byte %llu, "
                     "the file has %llu bytes",
                     r[0], r[1], r[2], r[3], (unsigned long long)end,
                     (unsigned long long)f->size);
            return false;
        }
    }
    return true;
}

/* The table's bytes (owned by the caller), or NULL if the face has none. */
static unsigned char *sfnt_table(const sfnt_file *f, const sfnt_dir *dir, const char *tag,
                                 uint32_t *len)
{
    *len = 0;
    for (uint32_t t = 0; t < dir->ntables; t++) {
        const unsigned char *r = dir->records + 16 * t;
        if (memcmp(r, tag, 4) != 0)
            continue;
        uint32_t n = be32(r + 12);
        if (n == 0 || n > (16u << 20))
            return NULL;
        unsigned char *data = pb_xmalloc(n);
        if (!read_at(f->fd, data, n, be32(r + 8))) {
            free(data);
            return NULL;
        }
        *len = n;
        return data;
    }
    return NULL;
}

/* Whether face `index` of path is a complete sfnt (see sfnt_directory). */
static bool sfnt_check(const char *path, int index, char *why, size_t whylen)
{
    sfnt_file f;
    if (!sfnt_open(path, &f, why, whylen))
        return false;
    bool ok = false;
    if (index < 0 || (uint32_t)index >= f.nfaces) {
        snprintf(why, whylen, "the file has %u face%s, there is no face %d", f.nfaces,
                 f.nfaces == 1 ? "" : "s", index);
    } else {
        sfnt_dir dir;
        ok = sfnt_directory(&f, (uint32_t)index, &dir, why, whylen);
        free(dir.records);
    }
    sfnt_close(&f);
    return ok;
}

static bool has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    bool has = hb_blob_get_length(b) > 0;
    hb_blob_destroy(b);
    return has;
}

/* ---- name table ----------------------------------------------------- */

typedef struct name_rec {
    int id, platform, language;
    char *utf8; /* owned */
} name_rec;

static char *utf16be_to_utf8(const unsigned char *s, uint32_t n)
{
    char *out = pb_xmalloc((size_t)n * 2 + 1); /* a unit needs at most 3 bytes */
    size_t k = 0;
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        uint32_t u = be16(s + i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t v = be16(s + i + 2);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            u = 0xFFFD;
        if (u == 0)
            continue;
        k += (size_t)pb_utf8_encode(u, out + k);
    }
    out[k] = 0;
    return out;
}

/* Windows encoding 3 (PRC): GB2312/GBK bytes stored in 16-bit units, as in
 * some older Chinese fonts. */
static char *gb_to_utf8(loader *L, const unsigned char *s, uint32_t n)
{
    if (!L->gb_tried) {
        L->gb_tried = true;
        L->gb = iconv_open("UTF-8", "GB18030");
    }
    if (L->gb == (iconv_t)-1)
        return NULL;
    char *bytes = pb_xmalloc(n + 1);
    size_t m = 0;
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        if (s[i])
            bytes[m++] = (char)s[i];
        if (s[i + 1])
            bytes[m++] = (char)s[i + 1];
    }
    size_t outcap = m * 2 + 1, outleft = outcap - 1;
    char *out = pb_xmalloc(outcap), *op = out, *ip = bytes;
    size_t inleft = m;
    iconv(L->gb, NULL, NULL, NULL, NULL);
    size_t r = iconv(L->gb, &ip, &inleft, &op, &outleft);
    free(bytes);
    if (r == (size_t)-1) {
        free(out);
        return NULL;
    }
    *op = 0;
    return out;
}

static bool all_ascii(const unsigned char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (s[i] == 0 || s[i] >= 0x80)
            return false;
    return true;
}

/* Decodes the records of the wanted name IDs (ids: zero-terminated). */
static int read_names(loader *L, const unsigned char *d, uint32_t len, const int *ids,
                      name_rec **out)
{
    *out = NULL;
    int n = 0, cap = 0;
    if (len >= 6) {
        uint32_t count = be16(d + 2), strings = be16(d + 4);
        for (uint32_t i = 0; i < count && 6 + 12 * (i + 1) <= len; i++) {
            const unsigned char *r = d + 6 + 12 * i;
            int platform = (int)be16(r), encoding = (int)be16(r + 2);
            int language = (int)be16(r + 4), id = (int)be16(r + 6);
            uint32_t slen = be16(r + 8), soff = strings + be16(r + 10);
            bool wanted = false;
            for (const int *w = ids; *w; w++)
                wanted |= *w == id;
            if (!wanted || (uint64_t)soff + slen > len || slen == 0)
                continue;
            const unsigned char *s = d + soff;
            char *text = NULL;
            if (platform == 0 || (platform == 3 && (encoding == 0 || encoding == 1 ||
                                                    encoding == 10)))
                text = utf16be_to_utf8(s, slen);
            else if (platform == 3 && encoding == 3)
                text = gb_to_utf8(L, s, slen);
            else if (platform == 1 && encoding == 0 && all_ascii(s, slen)) {
                text = pb_xmalloc(slen + 1);
                memcpy(text, s, slen);
                text[slen] = 0;
            }
            if (!text)
                continue;
            if (!*text) {
                free(text);
                continue;
            }
            GROW(*out, n, cap);
            (*out)[n++] = (name_rec){id, platform, language, text};
        }
    }
    return n;
}

static void free_names(name_rec *names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i].utf8);
    free(names);
}

static bool is_english(const name_rec *r)
{
    return r->platform == 0 || (r->platform == 3 && (r->language & 0x3FF) == 0x09) ||
           (r->platform == 1 && r->language == 0);
}

/* Family names compare like fontconfig's: ASCII case and blanks ignored. */
static char *fold(const char *s)
{
    char *out = pb_xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ')
            continue;
        *o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    *o = 0;
    return out;
}

/* usWeightClass and the italic bit, from OS/2 (or head.macStyle). */
static void read_style(const unsigned char *os2, uint32_t os2_len, const unsigned char *head,
                       uint32_t head_len, int *weight, bool *italic)
{
    *weight = 400;
    *italic = false;
    if (os2 && os2_len >= 64) {
        *weight = (int)be16(os2 + 4);
        *italic = os2[63] & 1;
    } else if (head && head_len >= 46) {
        *weight = head[45] & 1 ? 700 : 400;
        *italic = head[45] & 2;
    }
    if (*weight > 0 && *weight < 10)
        *weight *= 100; /* some old fonts use the 1..9 scale */
}

/* ---- family scan ---------------------------------------------------- */

static const int scan_ids[] = {1, 4, 16, 0};

/* Reads the names of every face of a file into out; false (with why) if
 * the file is not a usable font. */
static bool scan_file(loader *L, const char *path, int file, scan_face **out, int *n,
                      int *cap, char *why, size_t whylen)
{
    sfnt_file f;
    if (!sfnt_open(path, &f, why, whylen))
        return false;
    sfnt_dir *dirs = pb_xcalloc(f.nfaces, sizeof *dirs);
    bool ok = true;
    for (uint32_t i = 0; i < f.nfaces && ok; i++)
        ok = sfnt_directory(&f, i, &dirs[i], why, whylen);
    for (uint32_t i = 0; i < f.nfaces && ok; i++) {
        uint32_t name_len, os2_len = 0, head_len = 0;
        unsigned char *name = sfnt_table(&f, &dirs[i], "name", &name_len);
        unsigned char *os2 = sfnt_table(&f, &dirs[i], "OS/2", &os2_len);
        unsigned char *head = os2 ? NULL : sfnt_table(&f, &dirs[i], "head", &head_len);
        name_rec *names;
        int nn = read_names(L, name, name_len, scan_ids, &names);
        scan_face sf = {file, (int)i, NULL, NULL, 0, 400, false};
        sf.names = pb_xcalloc((size_t)nn + 1, sizeof *sf.names);
        sf.full = pb_xcalloc((size_t)nn + 1, sizeof *sf.full);
        for (int k = 0; k < nn; k++) {
            char *folded = fold(names[k].utf8);
            bool dup = false;
            for (int j = 0; j < sf.nnames && !dup; j++)
                dup = strcmp(sf.names[j], folded) == 0 && sf.full[j] == (names[k].id == 4);
            if (dup) {
                free(folded);
                continue;
            }
            sf.full[sf.nnames] = names[k].id == 4;
            sf.names[sf.nnames++] = folded;
        }
        free_names(names, nn);
        read_style(os2, os2_len, head, head_len, &sf.weight, &sf.italic);
        free(name);
        free(os2);
        free(head);
        GROW(*out, *n, *cap);
        (*out)[(*n)++] = sf;
    }
    for (uint32_t i = 0; i < f.nfaces; i++)
        free(dirs[i].records);
    free(dirs);
    sfnt_close(&f);
    return ok;
}

/* Frees the names of faces [from, to) (the array itself stays). */
static void free_scan_range(scan_face *s, int from, int to)
{
    for (int i = from; i < to; i++) {
        for (int k = 0; k < s[i].nnames; k++)
            free(s[i].names[k]);
        free(s[i].names);
        free(s[i].full);
    }
}

static void free_scan(scan_face *s, int n)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < s[i].nnames; k++)
            free(s[i].names[k]);
        free(s[i].names);
        free(s[i].full);
    }
    free(s);
}

/* ---- family-name cache ---------------------------------------------- */

/* Reading the name table of every font file on the system costs more than
 * the rest of a render, so, like fontconfig, paiban keeps what it read in
 * a cache file keyed by path, size and modification time.  Only speed
 * depends on the cache: a line that does not match the file is a miss, an
 * unreadable or unwritable cache is no cache.  One line per file:
 *   path TAB size TAB mtime-s TAB mtime-ns TAB faces TAB face...
 * with faces = -1 and a reason for a file that is not a font, and a face
 * "index:weight:italic:names", names "|"-separated, each "1" (full name)
 * or "0" (family) before the folded name.  Text is %XX-escaped. */

typedef struct name_cache {
    char *path;           /* owned: the cache file, or NULL: no cache */
    char **lines;         /* owned: as read, then as found this run */
    int nlines, cap;
    bool dirty;
} name_cache;

#define CACHE_MAX_LINES 20000

static void cache_load(name_cache *c, const char *cache_dir)
{
    memset(c, 0, sizeof *c);
    if (cache_dir) {
        size_t n = strlen(cache_dir) + 32;
        c->path = pb_xmalloc(n);
        snprintf(c->path, n, "%s/font-names-1.tsv", cache_dir);
    }
    FILE *f = c->path ? fopen(c->path, "r") : NULL;
    if (!f)
        return;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    while ((n = getline(&line, &lcap, f)) > 0 && c->nlines < CACHE_MAX_LINES) {
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        GROW(c->lines, c->nlines, c->cap);
        c->lines[c->nlines++] = pb_xstrdup(line);
    }
    free(line);
    fclose(f);
}

static void put_escaped(char **buf, size_t *len, size_t *cap, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (*len + 4 >= *cap) {
            *cap = *cap * 2 + 64;
            *buf = pb_xrealloc(*buf, *cap);
        }
        if (ch < 0x21 || ch == '%' || ch == '|' || ch == ':')
            *len += (size_t)snprintf(*buf + *len, 4, "%%%02X", ch);
        else
            (*buf)[(*len)++] = (char)ch;
    }
    (*buf)[*len] = 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *unescape(const char *s, size_t n)
{
    char *out = pb_xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 &&
            hex_digit(s[i + 2]) >= 0) {
            *o++ = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = 0;
    return out;
}

/* "path TAB size TAB sec TAB nsec TAB" for a file as it is now. */
static char *cache_key(const char *path, const struct stat *st)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    put_escaped(&buf, &len, &cap, path);
    char tail[96];
    snprintf(tail, sizeof tail, "\t%lld\t%lld\t%ld\t", (long long)st->st_size,
             (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
    buf = pb_xrealloc(buf, len + strlen(tail) + 1);
    strcpy(buf + len, tail);
    return buf;
}

/* Parses a cached value into scan faces of file index `file`; false if the
 * line is damaged (then it is a miss).  *why is set for a non-font. */
static bool cache_parse(const char *v, int file, scan_face **out, int *n, int *cap,
                        char *why, size_t whylen, bool *is_font)
{
    char *end;
    long nfaces = strtol(v, &end, 10);
    if (end == v || (*end != '\t' && *end != 0))
        return false;
    if (nfaces < 0) {
        const char *r = *end ? end + 1 : end;
        char *u = unescape(r, strlen(r));
        snprintf(why, whylen, "%s", u);
        free(u);
        *is_font = false;
        return true;
    }
    *is_font = true;
    int first = *n;
    const char *p = end;
    for (long k = 0; k < nfaces; k++) {
        if (*p != '\t')
            goto bad;
        p++;
        int index, weight, italic, used = 0;
        if (sscanf(p, "%d:%d:%d:%n", &index, &weight, &italic, &used) != 3 || used == 0)
            goto bad;
        p += used;
        scan_face sf = {file, index, NULL, NULL, 0, weight, italic != 0};
        const char *e = p + strcspn(p, "\t");
        int cap_names = 1;
        for (const char *q = p; q < e; q++)
            cap_names += *q == '|';
        sf.names = pb_xcalloc((size_t)cap_names + 1, sizeof *sf.names);
        sf.full = pb_xcalloc((size_t)cap_names + 1, sizeof *sf.full);
        while (p < e) {
            const char *ne = p + strcspn(p, "|\t");
            if (ne > e)
                ne = e;
            if (ne - p >= 1) {
                sf.full[sf.nnames] = *p == '1';
                sf.names[sf.nnames++] = unescape(p + 1, (size_t)(ne - p - 1));
            }
            p = *ne == '|' ? ne + 1 : ne;
        }
        GROW(*out, *n, *cap);
        (*out)[(*n)++] = sf;
    }
    return true;
bad:
    free_scan_range(*out, first, *n);
    *n = first;
    return false;
}

static char *cache_value(const scan_face *faces, int n, bool is_font, const char *why)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char num[64];
    if (!is_font) {
        cap = 8;
        buf = pb_xmalloc(cap);
        len = (size_t)snprintf(buf, cap, "-1\t");
        put_escaped(&buf, &len, &cap, why);
        return buf;
    }
    snprintf(num, sizeof num, "%d", n);
    put_escaped(&buf, &len, &cap, num);
    for (int i = 0; i < n; i++) {
        snprintf(num, sizeof num, "\t%d:%d:%d:", faces[i].index, faces[i].weight,
                 faces[i].italic ? 1 : 0);
        buf = pb_xrealloc(buf, len + strlen(num) + 1);
        strcpy(buf + len, num);
        len += strlen(num);
        cap = len + 1;
        for (int k = 0; k < faces[i].nnames; k++) {
            buf = pb_xrealloc(buf, len + 3);
            if (k)
                buf[len++] = '|';
            buf[len++] = faces[i].full[k] ? '1' : '0';
            buf[len] = 0;
            cap = len + 1;
            put_escaped(&buf, &len, &cap, faces[i].names[k]);
        }
    }
    return buf;
}

static const char *cache_find(const name_cache *c, const char *key)
{
    size_t kl = strlen(key);
    for (int i = 0; i < c->nlines; i++)
        if (c->lines[i] && !strncmp(c->lines[i], key, kl))
            return c->lines[i] + kl;
    return NULL;
}

static void cache_store(name_cache *c, const char *key, const char *value)
{
    /* drop older lines for the same path */
    size_t pl = strcspn(key, "\t") + 1;
    for (int i = 0; i < c->nlines; i++)
        if (c->lines[i] && !strncmp(c->lines[i], key, pl)) {
            free(c->lines[i]);
            c->lines[i] = NULL;
        }
    char *line = pb_xmalloc(strlen(key) + strlen(value) + 1);
    strcpy(line, key);
    strcat(line, value);
    if (c->nlines < CACHE_MAX_LINES) {
        GROW(c->lines, c->nlines, c->cap);
        c->lines[c->nlines++] = line;
    } else {
        free(line);
    }
    c->dirty = true;
}

/* Writes the cache (if anything changed) next to itself and renames it
 * into place, so concurrent runs never read half a file. */
static void cache_close(name_cache *c)
{
    if (c->dirty && c->path) {
        char *dir = pb_xstrdup(c->path);
        char *slash = strrchr(dir, '/');
        *slash = 0;
        char *parent = pb_xstrdup(dir);
        char *pslash = strrchr(parent, '/');
        if (pslash && pslash != parent) {
            *pslash = 0;
            mkdir(parent, 0777);
        }
        mkdir(dir, 0777);
        size_t tl = strlen(c->path) + 16;
        char *tmp = pb_xmalloc(tl);
        snprintf(tmp, tl, "%s.XXXXXX", c->path);
        int fd = mkstemp(tmp);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f) {
            bool ok = true;
            for (int i = 0; i < c->nlines; i++)
                if (c->lines[i])
                    ok = ok && fprintf(f, "%s\n", c->lines[i]) > 0;
            ok = fclose(f) == 0 && ok;
            if (!ok || rename(tmp, c->path) != 0)
                unlink(tmp);
        } else if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        free(parent);
        free(dir);
    }
    for (int i = 0; i < c->nlines; i++)
        free(c->lines[i]);
    free(c->lines);
    free(c->path);
}

static void scan_all(loader *L)
{
    if (L->scanned)
        return;
    L->scanned = true;
    walk_all(L);
    name_cache cache;
    cache_load(&cache, L->dirs ? L->dirs->cache_dir : NULL);
    for (int i = 0; i < L->nfiles; i++) {
        const char *path = L->files[i].path;
        if (!has_font_extension(path))
            continue;
        char why[200] = "";
        struct stat st;
        char *key = stat(path, &st) == 0 ? cache_key(path, &st) : NULL;
        const char *hit = key ? cache_find(&cache, key) : NULL;
        bool is_font = true;
        int first = L->nscan;
        if (!hit || !cache_parse(hit, i, &L->scan, &L->nscan, &L->scan_cap, why, sizeof why,
                                 &is_font)) {
            is_font = scan_file(L, path, i, &L->scan, &L->nscan, &L->scan_cap, why,
                                sizeof why);
            if (key) {
                char *value = cache_value(L->scan + first, L->nscan - first, is_font, why);
                cache_store(&cache, key, value);
                free(value);
            }
        }
        free(key);
        if (!is_font)
            pb_diag_warning(L->diag, path, NULL, "%s; skipped", why);
    }
    cache_close(&cache);
}

/* How well a face fits a family request; lower is better, -1 = no match.
 * A full name ("Noto Serif CJK SC Bold") picks that face; a family name
 * picks its regular upright member. */
static int match_score(const scan_face *sf, const char *folded)
{
    int best = -1;
    for (int k = 0; k < sf->nnames; k++) {
        if (strcmp(sf->names[k], folded) != 0)
            continue;
        int s = sf->full[k] ? 0
                            : 1 + abs(sf->weight - 400) + (sf->italic ? 1000 : 0);
        if (best < 0 || s < best)
            best = s;
    }
    return best;
}

/* ---- opening faces -------------------------------------------------- */

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

static const int family_ids[] = {1, 16, 0};

static char *english_family(loader *L, hb_face_t *hf, FT_Face ftf, const char *path)
{
    hb_blob_t *blob = hb_face_reference_table(hf, HB_TAG('n', 'a', 'm', 'e'));
    unsigned len;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(blob, &len);
    name_rec *names;
    int n = read_names(L, d, len, family_ids, &names);
    hb_blob_destroy(blob);
    const name_rec *pick = NULL;
    /* typographic family (16) over the legacy one (1), English first */
    static const struct {
        int id;
        bool english;
    } order[] = {{16, true}, {1, true}, {16, false}, {1, false}};
    for (int o = 0; o < 4 && !pick; o++) {
        if (!order[o].english && ftf->family_name)
            break;
        for (int i = 0; i < n && !pick; i++)
            if (names[i].id == order[o].id && (!order[o].english || is_english(&names[i])))
                pick = &names[i];
    }
    char *family = pb_xstrdup(pick ? pick->utf8
                              : ftf->family_name ? ftf->family_name
                                                 : base_name(path));
    free_names(names, n);
    return family;
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

/* Opens face `index` of path as a new face of the set (or finds it there
 * already); returns its id, or -1 with the reason in why. */
static int open_face(loader *L, const char *path, int index, char *why, size_t whylen)
{
    pb_fontset *fs = L->fs;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "cannot be read");
        return -1;
    }
    for (int i = 0; i < fs->nfaces; i++)
        if (L->keys[i].dev == st.st_dev && L->keys[i].ino == st.st_ino &&
            L->keys[i].index == index)
            return i;

    FT_Face ftf;
    FT_Error e = FT_New_Face(fs->ft, path, index, &ftf);
    if (e) {
        FT_Face probe;
        if (index > 0 && FT_New_Face(fs->ft, path, -1, &probe) == 0) {
            snprintf(why, whylen, "the file has %ld face%s, there is no face %d",
                     (long)probe->num_faces, probe->num_faces == 1 ? "" : "s", index);
            FT_Done_Face(probe);
        } else {
            snprintf(why, whylen, "not a usable font file (FreeType error 0x%02X: %s)",
                     (unsigned)e, ft_error_text(e));
        }
        return -1;
    }
    hb_blob_t *blob = NULL;
    hb_face_t *hf = NULL;
    char detail[160];
    const char *problem = NULL;
    if (!FT_IS_SFNT(ftf) || !FT_IS_SCALABLE(ftf)) {
        problem = "not an OpenType or TrueType font";
    } else if (!sfnt_check(path, index, detail, sizeof detail)) {
        problem = detail;
    } else if (!(blob = hb_blob_create_from_file_or_fail(path))) {
        problem = "cannot be read";
    } else {
        hf = hb_face_create(blob, (unsigned)index);
        if (hb_face_get_glyph_count(hf) == 0)
            problem = "has no glyphs";
        else if (!ftf->charmap || ftf->charmap->encoding != FT_ENCODING_UNICODE)
            problem = "has no Unicode character map";
        else if (has_table(hf, HB_TAG('C', 'F', 'F', '2')) &&
                 !has_table(hf, HB_TAG('C', 'F', 'F', ' ')))
            problem = "has CFF2 outlines (a variable font), which PDF cannot embed";
        else if (!has_table(hf, HB_TAG('g', 'l', 'y', 'f')) &&
                 !has_table(hf, HB_TAG('C', 'F', 'F', ' ')))
            problem = "has no outlines (a bitmap-only font)";
    }
    hb_blob_destroy(blob);
    if (problem) {
        snprintf(why, whylen, "not a usable font file (%s)", problem);
        hb_face_destroy(hf);
        FT_Done_Face(ftf);
        return -1;
    }
    hb_face_make_immutable(hf);

    pb_face *f = pb_xcalloc(1, sizeof *f);
    f->id = fs->nfaces;
    f->file = pb_xstrdup(path);
    f->index = index;
    f->family = english_family(L, hf, ftf, path);
    f->postscript_name = sanitize_ps_name(FT_Get_Postscript_Name(ftf), f->family, f->id);
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

    f->hb_face = hf;
    f->hb_font = hb_font_create(hf);
    hb_ot_font_set_funcs(f->hb_font);
    hb_font_set_scale(f->hb_font, f->upem, f->upem);
    hb_font_make_immutable(f->hb_font);
    f->ft_face = ftf;

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

    int cap = L->faces_cap;
    GROW(fs->faces, fs->nfaces, L->faces_cap);
    if (cap != L->faces_cap)
        L->keys = pb_xrealloc(L->keys, (size_t)L->faces_cap * sizeof *L->keys);
    L->keys[fs->nfaces] = (face_key){st.st_dev, st.st_ino, index};
    fs->faces[fs->nfaces++] = f;
    return f->id;
}

/* For a file named together with a family but no face index: the face of
 * the collection whose name matches, else face 0. */
static int face_in_file(loader *L, const char *path, const char *family)
{
    scan_face *faces = NULL;
    int n = 0, cap = 0, best = 0, best_score = -1;
    char why[200];
    if (scan_file(L, path, -1, &faces, &n, &cap, why, sizeof why)) {
        char *folded = fold(family);
        for (int i = 0; i < n; i++) {
            int s = match_score(&faces[i], folded);
            if (s >= 0 && (best_score < 0 || s < best_score)) {
                best_score = s;
                best = faces[i].index;
            }
        }
        free(folded);
    }
    free_scan(faces, n);
    return best;
}

/* Resolves one candidate to a face id, or -1.  *broken is set when a file
 * the candidate names is not a usable font (already reported). */
static int resolve(loader *L, const pb_font_candidate *c, bool *broken)
{
    char why[240];
    bool has_family = c->family && *c->family;
    if (c->file && *c->file) {
        const char *path = find_file(L, c->file);
        if (path) {
            int index = c->index;
            if (index == 0 && has_family)
                index = face_in_file(L, path, c->family);
            int id = open_face(L, path, index, why, sizeof why);
            if (id < 0) {
                pb_diag_error(L->diag, PB_ERR_LAYOUT, c->source, c->path, "%s: %s", path,
                              why);
                *broken = true;
            }
            return id;
        }
    }
    if (!has_family)
        return -1;
    scan_all(L);
    char *folded = fold(c->family);
    int id = -1;
    bool *tried = pb_xcalloc((size_t)L->nscan + 1, sizeof *tried);
    for (;;) {
        int best = -1, best_score = -1;
        for (int i = 0; i < L->nscan; i++) {
            if (tried[i])
                continue;
            int s = match_score(&L->scan[i], folded);
            if (s >= 0 && (best_score < 0 || s < best_score)) {
                best_score = s;
                best = i;
            }
        }
        if (best < 0)
            break;
        tried[best] = true;
        const char *path = L->files[L->scan[best].file].path;
        id = open_face(L, path, L->scan[best].index, why, sizeof why);
        if (id >= 0)
            break;
        pb_diag_warning(L->diag, path, NULL, "%s; skipped", why);
    }
    free(tried);
    free(folded);
    return id;
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
        if (k + strlen(d) + 2 + 16 > limit) {
            snprintf(out + k, limit - k, ", ...");
            return;
        }
        k += (size_t)snprintf(out + k, limit - k, "%s%s", i ? ", " : "", d);
    }
    if (k == 0)
        snprintf(out, limit, "(no folders)");
}

pb_fontset *pb_fonts_load(const pb_layout *layout, const pb_font_dirs *dirs,
                          pb_diag *diag)
{
    pb_fontset *fs = pb_xcalloc(1, sizeof *fs);
    FT_Error e = FT_Init_FreeType(&fs->ft);
    if (e) {
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL,
                      "FreeType cannot start (error 0x%02X: %s)", (unsigned)e,
                      ft_error_text(e));
        free(fs);
        return NULL;
    }
    int errors_before = diag->errors;
    loader L = {.fs = fs, .dirs = dirs, .diag = diag, .gb = (iconv_t)-1};

    fs->nroles = layout->nroles;
    fs->roles = pb_xcalloc((size_t)fs->nroles + 1, sizeof *fs->roles);
    for (int r = 0; r < layout->nroles; r++) {
        const pb_font_role *role = &layout->roles[r];
        role_chain *chain = &fs->roles[r];
        chain->name = pb_xstrdup(role->name ? role->name : "");
        chain->faces = pb_xcalloc((size_t)role->ncandidates + 1, sizeof *chain->faces);
        bool broken = false;
        for (int i = 0; i < role->ncandidates; i++) {
            int id = resolve(&L, &role->candidates[i], &broken);
            if (id < 0)
                continue;
            bool dup = false;
            for (int k = 0; k < chain->nfaces && !dup; k++)
                dup = chain->faces[k] == id;
            if (!dup)
                chain->faces[chain->nfaces++] = id;
        }
        if (chain->nfaces == 0 && !broken) {
            const pb_font_candidate *first = role->ncandidates ? &role->candidates[0] : NULL;
            char tried[560], where[300];
            describe_candidates(role, tried, sizeof tried);
            describe_dirs(dirs, where, sizeof where);
            pb_diag_error(diag, PB_ERR_LAYOUT,
                          first && first->source ? first->source : role->source,
                          first && first->path ? first->path : role->path,
                          "font role \"%s\": none of its fonts was found (tried: %s; "
                          "searched: %s)",
                          chain->name, role->ncandidates ? tried : "no candidates", where);
        }
    }

    for (int i = 0; i < L.nfiles; i++)
        free(L.files[i].path);
    free(L.files);
    free(L.visited);
    free_scan(L.scan, L.nscan);
    free(L.keys);
    if (L.gb != (iconv_t)-1)
        iconv_close(L.gb);

    if (diag->errors > errors_before) {
        pb_fonts_free(fs);
        return NULL;
    }
    return fs;
}

void pb_fonts_free(pb_fontset *fs)
{
    if (!fs)
        return;
    for (int i = 0; i < fs->nfaces; i++) {
        pb_face *f = fs->faces[i];
        hb_font_destroy(f->hb_font);
        hb_face_destroy(f->hb_face);
        FT_Done_Face((FT_Face)f->ft_face);
        free(f->file);
        free(f->family);
        free(f->postscript_name);
        free(f);
    }
    free(fs->faces);
    for (int r = 0; r < fs->nroles; r++) {
        free(fs->roles[r].name);
        free(fs->roles[r].faces);
    }
    free(fs->roles);
    FT_Done_FreeType(fs->ft);
    free(fs);
}

int pb_fonts_face_count(const pb_fontset *fs)
{
    return fs ? fs->nfaces : 0;
}

const pb_face *pb_fonts_face(const pb_fontset *fs, int id)
{
    return fs && id >= 0 && id < fs->nfaces ? fs->faces[id] : NULL;
}

int pb_fonts_role(const pb_fontset *fs, const char *name)
{
    for (int r = 0; fs && name && r < fs->nroles; r++)
        if (strcmp(fs->roles[r].name, name) == 0)
            return r;
    return -1;
}

const char *pb_fonts_role_name(const pb_fontset *fs, int role)
{
    return fs && role >= 0 && role < fs->nroles ? fs->roles[role].name : NULL;
}

int pb_fonts_role_face_count(const pb_fontset *fs, int role)
{
    return fs && role >= 0 && role < fs->nroles ? fs->roles[role].nfaces : 0;
}

const pb_face *pb_fonts_role_face(const pb_fontset *fs, int role, int i)
{
    if (!fs || role < 0 || role >= fs->nroles || i < 0 || i >= fs->roles[role].nfaces)
        return NULL;
    return fs->faces[fs->roles[role].faces[i]];
}

uint32_t pb_fonts_glyph(const pb_face *face, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (!face || !hb_font_get_nominal_glyph(face->hb_font, cp, &g))
        return 0;
    return g;
}

const pb_face *pb_fonts_pick(const pb_fontset *fs, int role, uint32_t cp)
{
    if (!fs || role < 0 || role >= fs->nroles)
        return NULL;
    const role_chain *r = &fs->roles[role];
    for (int i = 0; i < r->nfaces; i++) {
        const pb_face *f = fs->faces[r->faces[i]];
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(f->hb_font, cp, &g) && g != 0)
            return f;
    }
    return NULL;
}

void pb_fonts_describe(const pb_fontset *fs, pb_diag *diag)
{
    for (int r = 0; fs && r < fs->nroles; r++) {
        const role_chain *c = &fs->roles[r];
        for (int i = 0; i < c->nfaces; i++) {
            const pb_face *f = fs->faces[c->faces[i]];
            pb_diag_info(diag, "%s: %s%s#%d (%s, %s%s)", c->name, i ? "fallback " : "", f->file,
                         f->index, f->family, f->is_cff ? "CFF" : "TrueType",
                         f->is_bold ? ", bold" : "");
        }
    }
}
