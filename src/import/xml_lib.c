/* libxml2 loaded on first use, see xml_lib.h. */
#define PB_IMPORT_XML_LIB_LOADER
#include "import/xml_lib.h"

#include "base/dynlib.h"

pb_xml_table pb_xml;

#define PB_DYNLIB_NAME(sym) #sym,
static const char *const names[] = {PB_XML_SYMBOLS(PB_DYNLIB_NAME)};
static void *addresses[sizeof names / sizeof *names];

static void resolve_once(void);

static pb_dynlib lib = {
    .soname = "libxml2.so.2",
    .description = "in the Debian package libxml2",
    .names = names,
    .count = sizeof names / sizeof *names,
    .addresses = addresses,
    .once = PTHREAD_ONCE_INIT,
    .resolve_once = resolve_once,
};

static void resolve_once(void)
{
    pb_dynlib_resolve(&lib);
    if (!lib.loaded)
        return;
    size_t i = 0;
#define PB_DYNLIB_FILL(sym) pb_xml.sym = (__typeof__(pb_xml.sym))addresses[i++];
    PB_XML_SYMBOLS(PB_DYNLIB_FILL)
    /* set up once, before any thread parses */
    pb_xml.xmlInitParser();
}

bool pb_xml_load(const char *what, const char *file, pb_diag *diag)
{
    return pb_dynlib_load(&lib, what, file, diag);
}
