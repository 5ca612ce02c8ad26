/* Embedding libpaiban: renders report data held in memory to a PDF held
 * in memory, with the messages through a callback, as a service would.
 *
 *   cc embed.c $(pkg-config --cflags --libs paiban) -o embed
 *   ./embed REPORT.json OUT.pdf
 *
 * or with CMake: find_package(paiban) and link paiban::paiban (see
 * CMakeLists.txt beside this file).  The report is read into memory here
 * only to show the bytes-to-bytes calls; pb_request_set_report_file reads
 * a file directly. */
#include <stdio.h>
#include <stdlib.h>

#include <paiban.h>

/* Each message of a call, on the thread that made it.  A service would
 * collect them for its answer; `user` tells the requests apart. */
static void on_message(void *user, const pb_message *m)
{
    const char *request = user;
    const char *severity = m->severity == PB_ERROR     ? "error"
                           : m->severity == PB_WARNING ? "warning"
                                                       : "info";
    fprintf(stderr, "[%s] %s: %s\n", request, severity, m->line);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s REPORT.json OUT.pdf\n", argv[0]);
        return 2;
    }
    size_t len;
    char *json = read_all(argv[1], &len);
    if (!json) {
        perror(argv[1]);
        return 5;
    }

    /* The engine: made once, used by any number of threads. */
    pb_options *options = pb_options_new();
    if (!options)
        return 7;
    pb_options_set_message_callback(options, on_message, "engine");
    pb_engine *engine;
    pb_status st = pb_engine_new(options, &engine);
    pb_options_free(options); /* the engine keeps a copy */
    if (st != PB_OK) {
        fprintf(stderr, "no engine: %s\n", pb_status_text(st));
        free(json);
        return (int)st;
    }

    /* One request: the report's bytes, named for messages (its folder is
       where a relative layout path in it is looked up). */
    pb_request *request = pb_request_new();
    st = request ? pb_request_set_report_bytes(request, argv[1], json, len) : PB_ERR_MEMORY;
    free(json); /* the request keeps a copy */
    if (st == PB_OK)
        pb_request_set_message_user(request, argv[1]);

    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    if (st == PB_OK)
        st = pb_render_bytes(engine, request, &pdf, &pdf_len, NULL, NULL);
    if (st == PB_OK) {
        FILE *out = fopen(argv[2], "wb");
        if (!out || fwrite(pdf, 1, pdf_len, out) != pdf_len || fclose(out) != 0) {
            perror(argv[2]);
            st = PB_ERR_IO;
        } else {
            printf("%s: %zu bytes of PDF (paiban %s)\n", argv[2], pdf_len, pb_version());
        }
    } else {
        fprintf(stderr, "%s: %s\n", argv[1], pb_status_text(st));
    }
    pb_free(pdf);
    pb_request_free(request);
    pb_engine_free(engine);
    return (int)st;
}
