#include "model/document.h"

const char *const pb_style_names[PB_STYLE_COUNT] = {
    [PB_STYLE_TITLE] = "title",
    [PB_STYLE_HEADING1] = "heading1",
    [PB_STYLE_HEADING2] = "heading2",
    [PB_STYLE_HEADING3] = "heading3",
    [PB_STYLE_HEADING4] = "heading4",
    [PB_STYLE_BODY] = "body",
    [PB_STYLE_SIGNATURE] = "signature",
    [PB_STYLE_PAGE_NUMBER] = "page_number",
};
