/* libxml2, loaded on first use: only importing a Word document or a web
 * page needs it.  import_docx.c and import_html.c include this header
 * instead of libxml2's and call libxml2 by its names, which this header
 * turns into the pointers of a table filled by dlsym (base/dynlib.h);
 * xmlFree, a variable, is reached through its address. */
#ifndef PB_IMPORT_XML_LIB_H
#define PB_IMPORT_XML_LIB_H

#include <stdbool.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/diag.h"

/* Every symbol of the library paiban uses; `nm -D --undefined-only` on
 * libpaiban.so names none of them (it is linked with --no-undefined). */
#define PB_XML_SYMBOLS(X)   \
    X(htmlReadMemory)       \
    X(xmlCtxtGetLastError)  \
    X(xmlCtxtReadMemory)    \
    X(xmlDocGetRootElement) \
    X(xmlFree)              \
    X(xmlFreeDoc)           \
    X(xmlFreeParserCtxt)    \
    X(xmlGetLineNo)         \
    X(xmlGetProp)           \
    X(xmlInitParser)        \
    X(xmlNewParserCtxt)     \
    X(xmlStopParser)

#define PB_DYNLIB_MEMBER(sym) __typeof__(sym) *sym;
typedef struct pb_xml_table {
    PB_XML_SYMBOLS(PB_DYNLIB_MEMBER)
} pb_xml_table;
#undef PB_DYNLIB_MEMBER

extern pb_xml_table pb_xml;

/* Loads libxml2 once and sets its parser up (xmlInitParser) before any
 * thread uses it; false with an error (PB_ERR_LIBRARY) naming file, the
 * library and what needed it when it cannot be loaded. */
bool pb_xml_load(const char *what, const char *file, pb_diag *diag);

/* Each name is the table's pointer from here on (the library's own macros
 * expand to these names too); the loader itself sees the names. */
#ifndef PB_IMPORT_XML_LIB_LOADER
#define htmlReadMemory (pb_xml.htmlReadMemory)
#define xmlCtxtGetLastError (pb_xml.xmlCtxtGetLastError)
#define xmlCtxtReadMemory (pb_xml.xmlCtxtReadMemory)
#define xmlDocGetRootElement (pb_xml.xmlDocGetRootElement)
#define xmlFree (*pb_xml.xmlFree)
#define xmlFreeDoc (pb_xml.xmlFreeDoc)
#define xmlFreeParserCtxt (pb_xml.xmlFreeParserCtxt)
#define xmlGetLineNo (pb_xml.xmlGetLineNo)
#define xmlGetProp (pb_xml.xmlGetProp)
#define xmlInitParser (pb_xml.xmlInitParser)
#define xmlNewParserCtxt (pb_xml.xmlNewParserCtxt)
#define xmlStopParser (pb_xml.xmlStopParser)
#endif

#endif
