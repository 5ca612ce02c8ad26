/* Reading fontconfig's configuration for the list of the system's fonts.
 *
 * Since 2.14, FcInitLoadConfig() does two things: it loads the
 * configuration (fonts.conf and what it includes: on Debian 12, 62 files
 * of /etc/fonts/conf.d), then scans every file of fontconfig's template
 * folder (/usr/share/fontconfig/conf.avail) that is not already loaded,
 * 20 more files on Debian 12, only to record their descriptions for
 * fc-conflist.  What it scans there is never enabled: no folder, cache
 * folder, font filter or rule of those files takes effect.  paiban reads
 * only the list of fonts, so it loads the configuration as
 * FcInitLoadConfig() does and skips the scan: a third of fontconfig's
 * XML work, about 1 ms of each render.
 *
 * In the two cases where FcInitLoadConfig() does more than load — no
 * configuration file can be loaded (it falls back to a built-in one) or
 * the configuration names no <cachedir> (it adds the default ones, with a
 * warning) — the work is left to it. */
#include "fonts/fc_config.h"

#include <stdbool.h>
#include <stddef.h>

/* Whether config names at least one cache folder. */
static bool has_cache_dirs(FcConfig *config)
{
    FcStrList *dirs = FcConfigGetCacheDirs(config);
    if (!dirs)
        return false;
    bool any = FcStrListNext(dirs) != NULL;
    FcStrListDone(dirs);
    return any;
}

FcConfig *pb_fc_load_config(void)
{
    FcConfig *config = FcConfigCreate();
    if (!config)
        return NULL;
    /* no default configuration file: fontconfig's fallback, with its
       message */
    FcChar8 *file = FcConfigGetFilename(config, NULL);
    if (!file) {
        FcConfigDestroy(config);
        return FcInitLoadConfig();
    }
    FcStrFree(file);
    if (FcConfigParseAndLoad(config, NULL, FcTrue) && has_cache_dirs(config))
        return config;
    /* a configuration that does not load (its error is printed by
       fontconfig; FcInitLoadConfig prints it again before falling back)
       or names no cache folder */
    FcConfigDestroy(config);
    return FcInitLoadConfig();
}
