/* libxml2 loaded on first use, see xml_lib.h. */
#define PB_IMPORT_XML_LIB_LOADER
#include "import/xml_lib.h"

#include "base/dynlib.h"

pb_xml_table pb_xml;

/* set up once, before any thread parses */
static void init_parser(void)
{
    pb_xml.xmlInitParser();
}

#define PB_DYNLIB_TABLE pb_xml
PB_DYNLIB_DEFINE(PB_XML_SYMBOLS, "libxml2.so.2", "in the Debian package libxml2", init_parser,
                 pb_xml_load)
