/* The system's fontconfig configuration, read for the fonts it lists. */
#ifndef PB_FC_CONFIG_H
#define PB_FC_CONFIG_H

#include <fontconfig/fontconfig.h>

/* The configuration FcInitLoadConfig() makes (the fonts.conf that
 * FONTCONFIG_FILE or FONTCONFIG_PATH name, else the system's, with its
 * includes), without the files it reads only to describe them to
 * fc-conflist.  NULL when out of memory; the caller destroys it. */
FcConfig *pb_fc_load_config(void);

#endif
