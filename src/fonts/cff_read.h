/* Reading a CFF table (Adobe TN 5176), shared by paiban's CFF subsetter
 * and the PDF stage (private to src/fonts and src/output).
 *
 * The input is untrusted: every offset, count and length is checked
 * before it is followed.  An INDEX is checked where it is (its header,
 * its offset array, its first and last offsets) and each item when it is
 * read, so reading a few items of a large INDEX costs only those items. */
#ifndef PB_CFF_READ_H
#define PB_CFF_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pb_cff_bytes {
    const unsigned char *p;
    size_t len;
} pb_cff_bytes;

static inline bool pb_cff_fits(pb_cff_bytes s, size_t off, size_t n)
{
    return off <= s.len && n <= s.len - off;
}

static inline uint32_t pb_cff_get16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/* An offset of `size` bytes (1..4), big-endian. */
static inline uint32_t pb_cff_get_off(const unsigned char *p, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | p[i];
    return v;
}

/* The length of a Type 2 charstring number by its first byte, 0 for an
 * operator (TN 5177 Table 1). */
extern const unsigned char pb_cff_number_length[256];

/* An INDEX (TN 5176 section 5). */
typedef struct pb_cff_index {
    uint32_t count;
    unsigned osize;
    size_t offsets;       /* the offset array */
    size_t data;          /* offsets count from data - 1 */
    size_t end;           /* the first byte after it */
} pb_cff_index;

/* The INDEX at `at` of c; false when it does not fit or its first or last
 * offset is wrong. */
bool pb_cff_index_read(pb_cff_bytes c, size_t at, pb_cff_index *ix);

/* Item i of the INDEX, false when its offsets are out of order or out of
 * bounds. */
bool pb_cff_index_item(pb_cff_bytes c, const pb_cff_index *ix, uint32_t i, pb_cff_bytes *item);

/* DICT operators (TN 5176 Table 9 and 10; two-byte ones as 1200 + b1). */
enum {
    PB_CFF_OP_CHARSET = 15,
    PB_CFF_OP_CHARSTRINGS = 17,
    PB_CFF_OP_PRIVATE = 18,
    PB_CFF_OP_SUBRS = 19,
    PB_CFF_OP_CHARSTRING_TYPE = 1206,
    PB_CFF_OP_ROS = 1230,
    PB_CFF_OP_CIDCOUNT = 1234,
    PB_CFF_OP_FDARRAY = 1236,
    PB_CFF_OP_FDSELECT = 1237,
};

/* One operator of a DICT with its operands: their bytes as they are, and
 * their values where they are integers. */
typedef struct pb_cff_dict_op {
    uint32_t op;          /* b0, or 1200 + b1 after the escape 12 */
    size_t start, end;    /* the operands' bytes in the DICT */
    int n;                /* how many operands */
    long v[4];            /* the first four, 0 for a real number */
} pb_cff_dict_op;

/* The operand of DICT d at *at (d.p[*at] > 21), its value 0 for a real
 * number; *at moves past it.  False when it is cut off or reserved (22 to
 * 27, 31, 255). */
bool pb_cff_dict_operand(pb_cff_bytes d, size_t *at, long *value);

/* The next operator of DICT d at *pos (TN 5176 section 4): 1 with it, 0
 * at the end, -1 when the DICT is damaged (a number cut off, a reserved
 * byte, more than 48 operands, operands without their operator). */
int pb_cff_dict_next(pb_cff_bytes d, size_t *pos, pb_cff_dict_op *o);

#endif
