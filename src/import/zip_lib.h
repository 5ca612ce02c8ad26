/* libzip, loaded on first use: only importing a Word document needs it.
 * import_docx.c includes this header instead of zip.h and calls libzip by
 * its names, which this header turns into the pointers of a table filled
 * by dlsym (base/dynlib.h). */
#ifndef PB_IMPORT_ZIP_LIB_H
#define PB_IMPORT_ZIP_LIB_H

#include <stdbool.h>

#include <zip.h>

#include "base/diag.h"

/* Every symbol of the library paiban uses; `nm -D --undefined-only` on
 * libpaiban.so names none of them (it is linked with --no-undefined). */
#define PB_ZIP_SYMBOLS(X)       \
    X(zip_discard)              \
    X(zip_error_code_zip)       \
    X(zip_error_fini)           \
    X(zip_error_init)           \
    X(zip_error_strerror)       \
    X(zip_fclose)               \
    X(zip_file_get_error)       \
    X(zip_fopen_index)          \
    X(zip_fread)                \
    X(zip_get_error)            \
    X(zip_get_num_entries)      \
    X(zip_name_locate)          \
    X(zip_open_from_source)     \
    X(zip_source_buffer_create) \
    X(zip_source_free)

#define PB_DYNLIB_MEMBER(sym) __typeof__(sym) *sym;
typedef struct pb_zip_table {
    PB_ZIP_SYMBOLS(PB_DYNLIB_MEMBER)
} pb_zip_table;
#undef PB_DYNLIB_MEMBER

extern pb_zip_table pb_zip;

/* Loads libzip once; false with an error (PB_ERR_LIBRARY) naming file, the
 * library and what needed it when it cannot be loaded. */
bool pb_zip_load(const char *what, const char *file, pb_diag *diag);

/* Each name is the table's pointer from here on (the library's own macros
 * expand to these names too); the loader itself sees the names. */
#ifndef PB_IMPORT_ZIP_LIB_LOADER
#define zip_discard (pb_zip.zip_discard)
#define zip_error_code_zip (pb_zip.zip_error_code_zip)
#define zip_error_fini (pb_zip.zip_error_fini)
#define zip_error_init (pb_zip.zip_error_init)
#define zip_error_strerror (pb_zip.zip_error_strerror)
#define zip_fclose (pb_zip.zip_fclose)
#define zip_file_get_error (pb_zip.zip_file_get_error)
#define zip_fopen_index (pb_zip.zip_fopen_index)
#define zip_fread (pb_zip.zip_fread)
#define zip_get_error (pb_zip.zip_get_error)
#define zip_get_num_entries (pb_zip.zip_get_num_entries)
#define zip_name_locate (pb_zip.zip_name_locate)
#define zip_open_from_source (pb_zip.zip_open_from_source)
#define zip_source_buffer_create (pb_zip.zip_source_buffer_create)
#define zip_source_free (pb_zip.zip_source_free)
#endif

#endif
