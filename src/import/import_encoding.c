/* Text sources to UTF-8: a byte-order mark decides, then valid UTF-8 is
 * taken as it is, then the charset a web page declares, then ICU's
 * detector (Windows files are GBK/GB18030).  Conversion is strict: a byte
 * sequence that is not valid in the encoding is an error naming its line,
 * never a replacement character. */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include "base/utf8.h"
#include "import/import.h"

/* Line (1-based) of byte offset `at` in an ASCII-compatible text. */
static long line_of(const char *bytes, size_t at)
{
    long line = 1;
    for (size_t i = 0; i < at; i++)
        line += bytes[i] == '\n';
    return line;
}

/* ICU's name for an encoding a source names: GB2312 and GBK text is
 * GB18030 text (GB18030 contains both). */
static const char *icu_name(const char *name)
{
    static const char *const gb[] = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936",
                                     "windows-936", "euc-cn", "x-euc-cn", "gb18030"};
    for (size_t i = 0; i < sizeof gb / sizeof *gb; i++)
        if (!strcasecmp(name, gb[i]))
            return "GB18030";
    return name;
}

static bool convert(const char *file, const char *bytes, size_t len, const char *enc,
                    bool ascii_lines, char **out, size_t *out_len, pb_diag *diag)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(enc, &err);
    if (U_FAILURE(err)) {
        pb_diag_error(diag, PB_ERR_INPUT, file, NULL, "unknown character encoding \"%s\"",
                      enc);
        return false;
    }
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
    /* every byte gives at most one UTF-16 unit (a 4-byte GB18030 sequence two) */
    size_t cap = len + 2;
    UChar *u = pb_xmalloc(cap * sizeof *u);
    UChar *target = u;
    const char *src = bytes;
    ucnv_toUnicode(cv, &target, u + cap, &src, bytes + len, NULL, 1, &err);
    if (U_FAILURE(err)) {
        char bad[8];
        int8_t nbad = sizeof bad;
        UErrorCode e2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cv, bad, &nbad, &e2);
        size_t at = (size_t)(src - bytes) - (U_SUCCESS(e2) && nbad > 0 ? (size_t)nbad : 0);
        char where[32];
        snprintf(where, sizeof where, "line %ld", line_of(bytes, at));
        if (ascii_lines)
            pb_diag_error(diag, PB_ERR_INPUT, file, where,
                          "byte 0x%02X (offset %zu) is not valid %s text",
                          (unsigned char)bytes[at], at, enc);
        else
            pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                          "offset %zu: bytes that are not valid %s text", at, enc);
        ucnv_close(cv);
        free(u);
        return false;
    }
    ucnv_close(cv);
    int32_t ulen = (int32_t)(target - u), need = 0;
    err = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &need, u, ulen, &err);
    err = U_ZERO_ERROR;
    char *o = pb_xmalloc((size_t)need + 1);
    u_strToUTF8(o, need + 1, &need, u, ulen, &err);
    free(u);
    if (U_FAILURE(err)) {
        /* an unpaired surrogate in UTF-16 input */
        pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                      "the %s text holds an unpaired surrogate", enc);
        free(o);
        return false;
    }
    o[need] = 0;
    *out = o;
    *out_len = (size_t)need;
    return true;
}

/* Bytes that no text file holds: NUL, and more than a few other control
 * characters. */
static bool looks_binary(const char *s, size_t len)
{
    if (memchr(s, 0, len))
        return true;
    size_t controls = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            controls++;
    }
    return controls > 8 && controls * 100 > len;
}

bool pb_import_decode(const char *file, const char *bytes, size_t len, const char *declared,
                      char **out, size_t *out_len, const char **encoding, pb_diag *diag)
{
    const unsigned char *b = (const unsigned char *)bytes;
    *out = NULL;
    *out_len = 0;
    /* byte-order marks */
    static const struct { const char *bom; size_t n; const char *enc; } boms[] = {
        {"\xEF\xBB\xBF", 3, "UTF-8"},
        {"\xFF\xFE\x00\x00", 4, "UTF-32LE"},
        {"\x00\x00\xFE\xFF", 4, "UTF-32BE"},
        {"\xFF\xFE", 2, "UTF-16LE"},
        {"\xFE\xFF", 2, "UTF-16BE"},
    };
    for (size_t k = 0; k < sizeof boms / sizeof *boms; k++) {
        if (len < boms[k].n || memcmp(b, boms[k].bom, boms[k].n) != 0)
            continue;
        *encoding = boms[k].enc;
        if (k == 0) {
            long bad = pb_utf8_invalid_at(bytes + 3, len - 3);
            if (bad >= 0) {
                char where[32];
                snprintf(where, sizeof where, "line %ld", line_of(bytes, (size_t)bad + 3));
                pb_diag_error(diag, PB_ERR_INPUT, file, where,
                              "byte 0x%02X (offset %ld) is not valid UTF-8, although the file "
                              "starts with a UTF-8 byte-order mark",
                              b[bad + 3], bad + 3);
                return false;
            }
            if (memchr(bytes + 3, 0, len - 3)) {
                pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                              "binary data (NUL bytes), not text");
                return false;
            }
            *out = pb_xmalloc(len - 2);
            memcpy(*out, bytes + 3, len - 3);
            (*out)[len - 3] = 0;
            *out_len = len - 3;
            return true;
        }
        return convert(file, bytes + boms[k].n, len - boms[k].n, boms[k].enc, false, out,
                       out_len, diag);
    }
    if (looks_binary(bytes, len)) {
        pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                      "binary data (%s), not text",
                      memchr(bytes, 0, len) ? "NUL bytes" : "control characters");
        return false;
    }
    if (pb_utf8_invalid_at(bytes, len) < 0) {
        *encoding = "UTF-8";
        *out = pb_xmalloc(len + 1);
        memcpy(*out, bytes, len);
        (*out)[len] = 0;
        *out_len = len;
        return true;
    }
    if (declared && strcasecmp(declared, "utf-8") && strcasecmp(declared, "utf8")) {
        *encoding = icu_name(declared);
        return convert(file, bytes, len, *encoding, true, out, out_len, diag);
    }
    /* no mark and not UTF-8: ask ICU's detector */
    UErrorCode err = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&err);
    int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    ucsdet_setText(det, bytes, n, &err);
    int32_t nmatch = 0;
    const UCharsetMatch **all = ucsdet_detectAll(det, &nmatch, &err);
    const char *found = NULL, *best = NULL;
    int best_conf = 0;
    for (int32_t k = 0; U_SUCCESS(err) && k < nmatch; k++) {
        UErrorCode e2 = U_ZERO_ERROR;
        const char *name = ucsdet_getName(all[k], &e2);
        int conf = ucsdet_getConfidence(all[k], &e2);
        if (U_FAILURE(e2) || !name)
            continue;
        if (!best) {
            best = name;
            best_conf = conf;
        }
        /* Chinese encodings a clerk's file may be in */
        if (!found && conf >= 10 &&
            (!strcmp(name, "GB18030") || !strcmp(name, "Big5") || !strncmp(name, "UTF-16", 6) ||
             !strncmp(name, "UTF-32", 6)))
            found = name;
    }
    char best_copy[64];
    snprintf(best_copy, sizeof best_copy, "%s", best ? best : "nothing");
    ucsdet_close(det);
    if (!found) {
        pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                      "not text in UTF-8, UTF-16 or GB18030 (the bytes look most like %s, "
                      "%d%% sure); save it as UTF-8",
                      best_copy, best_conf);
        return false;
    }
    *encoding = !strcmp(found, "GB18030") ? "GB18030" : !strcmp(found, "Big5") ? "Big5"
                : !strncmp(found, "UTF-16", 6) ? (!strcmp(found, "UTF-16BE") ? "UTF-16BE"
                                                                             : "UTF-16LE")
                : (!strcmp(found, "UTF-32BE") ? "UTF-32BE" : "UTF-32LE");
    return convert(file, bytes, len, *encoding, !strncmp(*encoding, "GB", 2) ||
                   !strcmp(*encoding, "Big5"), out, out_len, diag);
}
