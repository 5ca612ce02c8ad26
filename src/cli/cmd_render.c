/* paiban render: one report to a PDF, or many reports to a folder of PDFs
 * rendered by a pool of threads that share the engine's layouts and fonts.
 * One failing report never stops the others; a summary ends the run. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "cli/cli.h"
#include "paiban.h"

typedef struct job_result {
    const char *report;   /* borrowed from argv or the list */
    char *out;            /* owned */
    pb_diag diag;
    pb_status status;
} job_result;

typedef struct pool {
    pb_engine *engine;
    const char *layout;
    const char *previous; /* --previous, for every report */
    bool force;
    job_result *jobs;
    int njobs;
    atomic_int next;      /* next job to take */
    atomic_int done;
    atomic_int failed;
    bool progress;        /* a progress line on the terminal */
    pthread_mutex_t print_lock;
    struct timespec start;
} pool;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(pool *p, bool final)
{
    int done = atomic_load(&p->done), failed = atomic_load(&p->failed);
    double secs = seconds_since(&p->start);
    double rate = secs > 0 ? done / secs : 0;
    double left = rate > 0 ? (p->njobs - done) / rate : 0;
    pthread_mutex_lock(&p->print_lock);
    fprintf(stderr, "\r\033[K%d/%d rendered", done, p->njobs);
    if (failed)
        fprintf(stderr, ", %d failed", failed);
    fprintf(stderr, ", %.1f reports/s", rate);
    if (!final)
        fprintf(stderr, ", %.0f s left", left);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&p->print_lock);
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        int i = atomic_fetch_add(&p->next, 1);
        if (i >= p->njobs)
            break;
        job_result *j = &p->jobs[i];
        pb_job job = {.report_path = j->report, .layout_ref = p->layout, .out_path = j->out,
                      .previous_path = p->previous, .force = p->force};
        j->status = pb_engine_render(p->engine, &job, &j->diag);
        if (j->status != PB_OK)
            atomic_fetch_add(&p->failed, 1);
        atomic_fetch_add(&p->done, 1);
        if (p->progress)
            show_progress(p, false);
    }
    return NULL;
}

/* OUTDIR/NAME.pdf for .../NAME.json */
static char *output_for(const char *dir, const char *report)
{
    const char *base = strrchr(report, '/') ? strrchr(report, '/') + 1 : report;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".json"))
        n -= 5;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    char *out = pb_xmalloc(dl + n + 6);
    snprintf(out, dl + n + 6, "%.*s/%.*s.pdf", (int)dl, dir, (int)n, base);
    return out;
}

/* Reads one report path a line; blank lines are skipped. */
static bool read_list(const char *path, char ***items, int *n, int *cap)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "paiban: error: %s: cannot read: %s\n", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len == 0)
            continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *items = pb_xrealloc(*items, (size_t)*cap * sizeof **items);
        }
        (*items)[(*n)++] = pb_xstrdup(line);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return true;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int render_batch(pb_engine *engine, const char *layout, const char *previous,
                        bool force, char **reports, int n, const char *outdir, int jobs,
                        bool quiet, bool verbose)
{
    if (!is_dir(outdir) && mkdir(outdir, 0777) != 0) {
        fprintf(stderr, "paiban: error: %s: cannot create the output folder: %s\n", outdir,
                strerror(errno));
        return PB_ERR_IO;
    }
    pool p = {.engine = engine, .layout = layout, .previous = previous, .force = force,
              .njobs = n};
    p.jobs = pb_xcalloc((size_t)n, sizeof *p.jobs);
    for (int i = 0; i < n; i++) {
        p.jobs[i].report = reports[i];
        p.jobs[i].out = output_for(outdir, reports[i]);
        pb_diag_init(&p.jobs[i].diag);
    }
    /* Two reports with one name would overwrite each other's PDF. */
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(p.jobs[i].out, p.jobs[k].out)) {
                fprintf(stderr, "paiban: error: %s and %s would both be written to %s\n",
                        p.jobs[k].report, p.jobs[i].report, p.jobs[i].out);
                for (int m = 0; m < n; m++) {
                    free(p.jobs[m].out);
                    pb_diag_free(&p.jobs[m].diag);
                }
                free(p.jobs);
                return PB_ERR_USAGE;
            }
    p.progress = !quiet && isatty(STDERR_FILENO);
    pthread_mutex_init(&p.print_lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    if (jobs > n)
        jobs = n;
    pthread_t *threads = pb_xcalloc((size_t)jobs, sizeof *threads);
    int started = 0;
    for (int t = 0; t < jobs; t++)
        if (pthread_create(&threads[t], NULL, worker, &p) == 0)
            started++;
    if (started == 0)
        worker(&p); /* no threads to be had: render here */
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    if (p.progress)
        show_progress(&p, true);

    /* The messages of failed reports in full; those of rendered reports
     * only with --verbose: the same warnings on hundreds of reports would
     * bury the failures.  Then the summary. */
    pb_status first = PB_OK;
    int failed = 0, warned = 0;
    for (int i = 0; i < n; i++) {
        job_result *j = &p.jobs[i];
        if (j->status != PB_OK || verbose)
            pb_diag_print(&j->diag, stderr);
        else if (j->diag.count > 0)
            warned++;
        if (j->status != PB_OK) {
            failed++;
            if (first == PB_OK)
                first = j->status;
        }
    }
    double secs = seconds_since(&p.start);
    fprintf(stderr, "paiban: %d rendered, %d failed, in %.2f s\n", n - failed, failed, secs);
    if (warned)
        fprintf(stderr, "paiban: %d rendered with warnings (--verbose shows them)\n", warned);
    for (int i = 0; i < n; i++) {
        job_result *j = &p.jobs[i];
        if (j->status != PB_OK) {
            /* its first error (messages name their file already) */
            const char *why = j->report;
            for (int k = 0; k < j->diag.count; k++)
                if (j->diag.messages[k].severity == PB_ERROR) {
                    why = j->diag.messages[k].text;
                    break;
                }
            fprintf(stderr, "paiban: failed: %s\n", why);
        }
        free(j->out);
        pb_diag_free(&j->diag);
    }
    free(p.jobs);
    pthread_mutex_destroy(&p.print_lock);
    return (int)first;
}

int cmd_render(int argc, char **argv)
{
    const char *out = NULL, *layout = NULL, *dump = NULL, *batch = NULL, *previous = NULL;
    bool verbose = false, quiet = false, force = false;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    char **reports = NULL;
    int nreports = 0, cap = 0, rc = 0;
    const char **dirs = pb_xcalloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-l") ||
                     !strcmp(a, "--layout") || !strcmp(a, "--font-dir") ||
                     !strcmp(a, "--dump") || !strcmp(a, "--batch") || !strcmp(a, "-j") ||
                     !strcmp(a, "--jobs") || !strcmp(a, "--previous");
        if (takes && i + 1 >= argc) {
            rc = cli_usage_error("option %s needs a value", a);
            break;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            out = argv[++i];
        else if (!strcmp(a, "-l") || !strcmp(a, "--layout"))
            layout = argv[++i];
        else if (!strcmp(a, "--font-dir"))
            dirs[ndirs++] = argv[++i];
        else if (!strcmp(a, "--dump"))
            dump = argv[++i];
        else if (!strcmp(a, "--batch"))
            batch = argv[++i];
        else if (!strcmp(a, "--previous"))
            previous = argv[++i];
        else if (!strcmp(a, "--force"))
            force = true;
        else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            char *end;
            jobs = strtol(argv[++i], &end, 10);
            if (*end || jobs < 1 || jobs > 1024)
                rc = cli_usage_error("-j needs a number of jobs from 1 to 1024, got '%s'",
                                     argv[i]);
        } else if (!strcmp(a, "--verbose"))
            verbose = true;
        else if (!strcmp(a, "--quiet"))
            quiet = true;
        else if (a[0] == '-' && a[1] != 0)
            rc = cli_usage_error("unknown option %s", a);
        else {
            if (nreports == cap) {
                cap = cap ? cap * 2 : 16;
                reports = pb_xrealloc(reports, (size_t)cap * sizeof *reports);
            }
            reports[nreports++] = pb_xstrdup(a);
        }
    }
    if (rc == 0 && batch && !read_list(batch, &reports, &nreports, &cap))
        rc = PB_ERR_IO;
    bool many = rc == 0 && (nreports > 1 || batch);
    if (rc == 0 && nreports == 0)
        rc = batch ? cli_usage_error("%s lists no report", batch)
                   : cli_usage_error("no report given");
    else if (rc == 0 && !out && !dump)
        rc = cli_usage_error("no output given (-o OUT.pdf or --dump FILE)");
    else if (rc == 0 && many && !out)
        rc = cli_usage_error("several reports need an output folder (-o OUTDIR/)");
    else if (rc == 0 && many && dump)
        rc = cli_usage_error("--dump takes one report");
    if (rc != 0) {
        for (int i = 0; i < nreports; i++)
            free(reports[i]);
        free(reports);
        free(dirs);
        return rc;
    }

    pb_engine_options eo = {
        .font_dirs = dirs,
        .nfont_dirs = ndirs,
        .verbose = verbose ? stderr : NULL,
    };
    pb_engine *engine = pb_engine_new(&eo);
    if (many) {
        rc = render_batch(engine, layout, previous, force, reports, nreports, out, (int)jobs,
                          quiet, verbose);
    } else {
        /* one report: to the file named, or into the folder named */
        char *path = out && (is_dir(out) || out[strlen(out) - 1] == '/')
                         ? output_for(out, reports[0])
                         : (out ? pb_xstrdup(out) : NULL);
        pb_diag diag;
        pb_diag_init(&diag);
        pb_job job = {.report_path = reports[0], .layout_ref = layout, .out_path = path,
                      .dump_path = dump, .previous_path = previous, .force = force};
        rc = (int)pb_engine_render(engine, &job, &diag);
        pb_diag_print(&diag, stderr);
        pb_diag_free(&diag);
        free(path);
    }
    pb_engine_free(engine);
    for (int i = 0; i < nreports; i++)
        free(reports[i]);
    free(reports);
    free(dirs);
    return rc;
}
