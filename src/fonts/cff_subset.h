/* paiban's own CFF subsetter (private to src/fonts and the PDF stage).
 *
 * Type 2 charstrings that call no subroutine are independent of each
 * other, so a subset is a copy of the charstrings it keeps, around a new
 * header, Top DICT, charset, FDSelect, FDArray and Private DICTs.
 * Subroutine calls are inlined (the output has none) and hint operators
 * are dropped (PDF readers do not hint), so each charstring is read once,
 * operand bytes copied as they are: no general interpreter runs.
 *
 * The output is a bare CID-keyed CFF (Adobe TN 5176), for a PDF's
 * FontFile3 /Subtype /CIDFontType0C: ROS Adobe/Identity/0, an identity
 * charset (CID = new glyph id in every reader), and only the Font DICTs
 * the glyphs use, renumbered; a name-keyed input becomes one Font DICT
 * made from its Private DICT. */
#ifndef PB_CFF_SUBSET_H
#define PB_CFF_SUBSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The subset of the CFF table `cff` (len bytes: the 'CFF ' table of an
 * OpenType font, or a bare CFF) whose glyph i is input glyph gids[i]
 * (n >= 1 of them, in any order, gids[0] == 0): a new CFF in *out
 * (malloc'ed; free()), *out_len bytes.  False with the reason in why when
 * the input is something this subsetter does not handle (CFF2, arithmetic
 * or seac operators in charstrings, subroutines nested too deep) or is
 * damaged: the caller then uses another subsetter.  Every read is checked
 * against len; running out of memory is the call's out-of-memory jump
 * (base/call.h). */
bool pb_cff_subset(const unsigned char *cff, size_t len, const uint32_t *gids, int n,
                   unsigned char **out, size_t *out_len, char *why, size_t whylen);

#endif
