/* Fixed-point geometry: every length inside paiban is an integer count of
 * 1/64 pt (the unit FreeType and HarfBuzz use), so layouts and dumps are
 * identical on every compiler.  Floats appear only at the PDF boundary. */
#ifndef PB_FX_H
#define PB_FX_H

#include <stdint.h>

typedef int32_t pb_fx;

#define PB_FX_ONE 64 /* 1 pt */

static inline pb_fx pb_fx_from_pt(double pt)
{
    return (pb_fx)(pt * PB_FX_ONE + (pt < 0 ? -0.5 : 0.5));
}

static inline pb_fx pb_fx_from_mm(double mm)
{
    return pb_fx_from_pt(mm * 72.0 / 25.4);
}

static inline double pb_fx_to_pt(pb_fx v)
{
    return (double)v / PB_FX_ONE;
}

/* a * b / c without intermediate overflow, rounded to nearest. */
static inline pb_fx pb_fx_muldiv(pb_fx a, pb_fx b, pb_fx c)
{
    int64_t p = (int64_t)a * b;
    int64_t h = (c < 0 ? -c : c) / 2;
    return (pb_fx)((p >= 0) == (c >= 0) ? (p + h) / c : (p - h) / c);
}

#endif
