/* Reading a CFF table: see cff_read.h. */
#include "fonts/cff_read.h"

/* The length of a Type 2 number by its first byte, 0 for an operator
 * (TN 5177 Table 1: 28 is a 16-bit integer, 32-246 one byte, 247-254
 * two, 255 a 16.16 fixed-point number). */
#define R2(x) x, x
#define R4(x) R2(x), R2(x)
#define R8(x) R4(x), R4(x)
#define R16(x) R8(x), R8(x)
#define R64(x) R16(x), R16(x), R16(x), R16(x)
const unsigned char pb_cff_number_length[256] = {
    R16(0), R8(0), R4(0),                      /* 0-27: operators */
    3,                                         /* 28 */
    0, 0, 0,                                   /* 29-31: operators */
    R64(1), R64(1), R64(1), R16(1), R4(1), R2(1), 1, /* 32-246 */
    R8(2),                                     /* 247-254 */
    5,                                         /* 255 */
};
#undef R2
#undef R4
#undef R8
#undef R16
#undef R64

bool pb_cff_index_read(pb_cff_bytes c, size_t at, pb_cff_index *ix)
{
    if (!pb_cff_fits(c, at, 2))
        return false;
    ix->count = pb_cff_get16(c.p + at);
    if (ix->count == 0) {
        ix->osize = 0;
        ix->offsets = ix->data = ix->end = at + 2;
        return true;
    }
    if (!pb_cff_fits(c, at, 3))
        return false;
    ix->osize = c.p[at + 2];
    if (ix->osize < 1 || ix->osize > 4)
        return false;
    ix->offsets = at + 3;
    size_t arr = ((size_t)ix->count + 1) * ix->osize;
    if (!pb_cff_fits(c, ix->offsets, arr))
        return false;
    ix->data = ix->offsets + arr - 1;
    uint32_t first = pb_cff_get_off(c.p + ix->offsets, ix->osize);
    uint32_t last = pb_cff_get_off(c.p + ix->offsets + (size_t)ix->count * ix->osize, ix->osize);
    if (first != 1 || last < 1 || !pb_cff_fits(c, ix->data, last))
        return false;
    ix->end = ix->data + last;
    return true;
}

bool pb_cff_index_item(pb_cff_bytes c, const pb_cff_index *ix, uint32_t i, pb_cff_bytes *item)
{
    if (i >= ix->count)
        return false;
    uint32_t a = pb_cff_get_off(c.p + ix->offsets + (size_t)i * ix->osize, ix->osize);
    uint32_t b = pb_cff_get_off(c.p + ix->offsets + (size_t)(i + 1) * ix->osize, ix->osize);
    if (a < 1 || b < a || !pb_cff_fits(c, ix->data + a, b - a))
        return false;
    *item = (pb_cff_bytes){c.p + ix->data + a, b - a};
    return true;
}

bool pb_cff_dict_operand(pb_cff_bytes d, size_t *at, long *value)
{
    size_t i = *at;
    unsigned b = d.p[i];
    long v = 0;
    if (b == 28) {
        if (i + 3 > d.len)
            return false;
        v = (int16_t)pb_cff_get16(d.p + i + 1);
        i += 3;
    } else if (b == 29) {
        if (i + 5 > d.len)
            return false;
        v = (int32_t)pb_cff_get_off(d.p + i + 1, 4);
        i += 5;
    } else if (b == 30) { /* a real number: nibbles up to the end nibble 0xF */
        for (i++;; i++) {
            if (i >= d.len)
                return false;
            if ((d.p[i] >> 4) == 0xF || (d.p[i] & 0xF) == 0xF)
                break;
        }
        i++;
    } else if (b >= 32 && b <= 246) {
        v = (long)b - 139;
        i++;
    } else if (b >= 247 && b <= 254) {
        if (i + 2 > d.len)
            return false;
        v = b <= 250 ? ((long)b - 247) * 256 + d.p[i + 1] + 108
                     : -((long)b - 251) * 256 - d.p[i + 1] - 108;
        i += 2;
    } else {
        return false; /* 22..27, 31, 255: reserved */
    }
    *at = i;
    *value = v;
    return true;
}

int pb_cff_dict_next(pb_cff_bytes d, size_t *pos, pb_cff_dict_op *o)
{
    size_t i = *pos;
    if (i >= d.len)
        return 0;
    o->start = i;
    o->n = 0;
    while (i < d.len) {
        unsigned b = d.p[i];
        if (b <= 21) {
            o->end = i;
            o->op = b;
            if (b == 12) {
                if (i + 1 >= d.len)
                    return -1;
                o->op = 1200 + d.p[i + 1];
                i++;
            }
            *pos = i + 1;
            return 1;
        }
        long v;
        if (!pb_cff_dict_operand(d, &i, &v))
            return -1;
        if (o->n < 4)
            o->v[o->n] = v;
        if (++o->n > 48)
            return -1;
    }
    return -1; /* operands without their operator */
}
