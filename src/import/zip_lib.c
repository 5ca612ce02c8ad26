/* libzip loaded on first use, see zip_lib.h. */
#define PB_IMPORT_ZIP_LIB_LOADER
#include "import/zip_lib.h"

#include "base/dynlib.h"

pb_zip_table pb_zip;

#define PB_DYNLIB_TABLE pb_zip
PB_DYNLIB_DEFINE(PB_ZIP_SYMBOLS, "libzip.so.4", "in the Debian package libzip4", NULL,
                 pb_zip_load)
