/* paiban render: one report to a PDF, or many reports to a folder of PDFs
 * rendered by a pool of threads that share the engine's layouts and fonts.
 * One failing report never stops the others; a summary ends the run. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "paiban.h"

/* A message of one report of a batch, kept until the summary. */
typedef struct job_message {
    pb_severity severity;
    char *line;           /* owned */
} job_message;

typedef struct job_result {
    const char *report;   /* borrowed from argv or the list */
    char *out;            /* owned */
    job_message *messages; /* owned */
    int nmessages, cap;
    pb_status status;
} job_result;

/* The engine's message callback: a report of a batch keeps its messages
 * (user is its job_result), anything else is printed at once. */
static void on_message(void *user, const pb_message *m)
{
    job_result *j = user;
    if (!j) {
        cli_print_message(NULL, m);
        return;
    }
    if (j->nmessages == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 8;
        j->messages = cli_xrealloc(j->messages, (size_t)j->cap * sizeof *j->messages);
    }
    j->messages[j->nmessages++] = (job_message){m->severity, cli_xstrdup(m->line)};
}

static void print_job_messages(const job_result *j)
{
    for (int i = 0; i < j->nmessages; i++) {
        const job_message *m = &j->messages[i];
        if (m->severity == PB_INFO)
            fprintf(stderr, "%s\n", m->line);
        else
            fprintf(stderr, "paiban: %s: %s\n", m->severity == PB_ERROR ? "error" : "warning",
                    m->line);
    }
}

static void free_job(job_result *j)
{
    for (int i = 0; i < j->nmessages; i++)
        free(j->messages[i].line);
    free(j->messages);
    free(j->out);
}

/* A request for one report of the command line, to a file or memory. */
static pb_status make_request(pb_request **out, const char *report, const char *layout,
                              const char *previous, const char *seal, const pb_signer *signer,
                              bool force, pb_pdf_kind pdf, const char *pdf_path,
                              const char *dump_path)
{
    pb_request *r = pb_request_new();
    *out = r;
    if (!r)
        return PB_ERR_MEMORY;
    pb_status st = pb_request_set_report_file(r, report);
    if (st == PB_OK && layout)
        st = pb_request_set_layout(r, layout);
    if (st == PB_OK && previous)
        st = pb_request_set_previous_file(r, previous);
    if (st == PB_OK && seal)
        st = pb_request_set_seal_file(r, seal);
    if (st == PB_OK && signer)
        st = pb_request_set_signer(r, signer);
    if (st == PB_OK && pdf_path)
        st = pb_request_set_output_file(r, pdf_path);
    if (st == PB_OK && dump_path)
        st = pb_request_set_dump_file(r, dump_path);
    pb_request_set_force(r, force);
    if (st == PB_OK)
        st = pb_request_set_pdf(r, pdf);
    return st;
}

typedef struct pool {
    pb_engine *engine;
    const char *layout;
    const char *previous; /* --previous, for every report */
    const char *seal;     /* --seal, for every report */
    const pb_signer *signer; /* --key..., for every report, or NULL */
    bool force;
    pb_pdf_kind pdf;
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
        pb_request *req;
        j->status = make_request(&req, j->report, p->layout, p->previous, p->seal, p->signer,
                                 p->force, p->pdf, j->out, NULL);
        if (j->status == PB_OK) {
            pb_request_set_message_user(req, j);
            j->status = pb_render(p->engine, req);
        } else {
            pb_message m = {PB_ERROR, j->status, NULL, NULL, pb_status_text(j->status),
                            pb_status_text(j->status)};
            on_message(j, &m);
        }
        pb_request_free(req);
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
    char *out = cli_xmalloc(dl + n + 6);
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
            *items = cli_xrealloc(*items, (size_t)*cap * sizeof **items);
        }
        (*items)[(*n)++] = cli_xstrdup(line);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return true;
}

static int render_batch(pb_engine *engine, const char *layout, const char *previous,
                        const char *seal, const pb_signer *signer, bool force, pb_pdf_kind pdf,
                        char **reports, int n, const char *outdir, int jobs, bool quiet,
                        bool verbose)
{
    if (!cli_make_folders(outdir))
        return PB_ERR_IO;
    pool p = {.engine = engine, .layout = layout, .previous = previous, .seal = seal,
              .signer = signer, .force = force, .pdf = pdf, .njobs = n};
    p.jobs = cli_xmalloc((size_t)n * sizeof *p.jobs);
    memset(p.jobs, 0, (size_t)n * sizeof *p.jobs);
    for (int i = 0; i < n; i++) {
        p.jobs[i].report = reports[i];
        p.jobs[i].out = output_for(outdir, reports[i]);
    }
    /* Two reports with one name would overwrite each other's PDF. */
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(p.jobs[i].out, p.jobs[k].out)) {
                fprintf(stderr, "paiban: error: %s and %s would both be written to %s\n",
                        p.jobs[k].report, p.jobs[i].report, p.jobs[i].out);
                for (int m = 0; m < n; m++)
                    free_job(&p.jobs[m]);
                free(p.jobs);
                return PB_ERR_USAGE;
            }
    p.progress = !quiet && isatty(STDERR_FILENO);
    pthread_mutex_init(&p.print_lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    if (jobs > n)
        jobs = n;
    pthread_t *threads = cli_xmalloc((size_t)jobs * sizeof *threads);
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
     * bury the failures.  Then the summary: per report with messages, how
     * many and the first. */
    pb_status first = PB_OK;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        job_result *j = &p.jobs[i];
        if (j->status != PB_OK || verbose)
            print_job_messages(j);
        if (j->status != PB_OK) {
            failed++;
            if (first == PB_OK)
                first = j->status;
        }
    }
    double secs = seconds_since(&p.start);
    fprintf(stderr, "paiban: %d rendered, %d failed, in %.2f s\n", n - failed, failed, secs);
    for (int i = 0; i < n; i++) {
        job_result *j = &p.jobs[i];
        pb_severity sev = j->status != PB_OK ? PB_ERROR : PB_WARNING;
        int count = 0;
        const char *why = NULL;
        for (int k = 0; k < j->nmessages; k++)
            if (j->messages[k].severity == sev) {
                count++;
                why = why ? why : j->messages[k].line; /* names its file */
            }
        if (j->status != PB_OK)
            fprintf(stderr, "paiban: failed, %d error%s: %s\n", count, count == 1 ? "" : "s",
                    why ? why : j->report);
        else if (count)
            fprintf(stderr, "paiban: rendered with %d warning%s%s: %s\n", count,
                    count == 1 ? "" : "s", verbose ? "" : " (--verbose shows them)", why);
        free_job(j);
    }
    free(p.jobs);
    pthread_mutex_destroy(&p.print_lock);
    return (int)first;
}

static const char help[] =
    "usage: paiban render [OPTION]... REPORT.json -o OUT.pdf\n"
    "       paiban render [OPTION]... REPORT.json... -o OUTDIR/\n"
    "\n"
    "Typesets a report (JSON data) with its layout into a PDF.  The PDF is\n"
    "written whole or not at all.  With several reports (or --batch), each\n"
    "NAME.json becomes OUTDIR/NAME.pdf, rendered by a pool of threads; one\n"
    "failing report does not stop the others.  REPORT.json '-' is read from\n"
    "standard input, -o - writes the PDF to standard output.\n"
    "\n"
    "  -o, --output=PATH       the PDF to write ('-': standard output), or with\n"
    "                          several reports a folder for them (created with\n"
    "                          its parents if missing)\n"
    "  -l, --layout=LAYOUT     a layout name (e.g. gbt9704) or a .json path;\n"
    "                          default: the layout each report names, else gbt9704\n"
    "      --batch=LISTFILE    also render the reports listed in LISTFILE, one path\n"
    "                          a line ('-': standard input)\n"
    "  -j, --jobs=N            render N reports at a time (default: one per core)\n"
    "  -q, --quiet             no progress line\n"
    "      --font-dir=DIR      also look for fonts in DIR (repeatable); a folder\n"
    "                          that does not exist is an error\n"
    "      --dump=FILE         write every placed line (page, position, font, size,\n"
    "                          text) as text ('-': standard output; one report)\n"
    "  -v, --verbose           print which font file serves each font role, and\n"
    "                          the warnings of every report of a batch\n"
    "      --previous=PREV.json\n"
    "                          last year's report: also check the rules across\n"
    "                          years\n"
    "      --seal=SEAL.png     set this seal image (a PNG, best with a transparent\n"
    "                          background) over every signature, in place of the\n"
    "                          report's own\n"
    "      --force             write the PDF even when the numbers do not add up\n"
    "                          (the findings are printed as warnings)\n"
    "      --pdf=archival|plain\n"
    "                          archival (the default, unless the layout says\n"
    "                          \"pdf\": \"plain\"): tagged PDF/A-3a and PDF/UA-1\n"
    "                          carrying the report data; plain: none of it\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "signing as the last step (see paiban sign --help; SOURCE_DATE_EPOCH, else the\n"
    "report's meta.date, else now is the signing time):\n"
    CLI_SIGN_HELP
    "\n"
    "exit status: 0 the PDF was written, 2 usage, 3 invalid report data, 4 layout\n"
    "or font problem, 5 a file could not be read or written, 6 the numbers do not\n"
    "add up, 8 cannot sign with the key or certificate, 10 libcrypto (--key)\n"
    "cannot be loaded; a batch exits with the status of its first failure.\n";

/* /dev/stdout is standard output itself, "-": written through the open
 * descriptor, it keeps what the shell gave it (appending with >>, or after
 * what an enclosing { ...; } > FILE wrote before), where opening the name
 * anew would start the file over. */
static const char *stdout_name(const char *path)
{
    return strcmp(path, "/dev/stdout") == 0 ? "-" : path;
}

enum { OPT_BATCH = 256, OPT_FONT_DIR, OPT_DUMP, OPT_PREVIOUS, OPT_FORCE, OPT_PDF, OPT_SEAL };

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"layout", required_argument, NULL, 'l'},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"jobs", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"font-dir", required_argument, NULL, OPT_FONT_DIR},
    {"dump", required_argument, NULL, OPT_DUMP},
    {"verbose", no_argument, NULL, 'v'},
    {"previous", required_argument, NULL, OPT_PREVIOUS},
    {"force", no_argument, NULL, OPT_FORCE},
    {"pdf", required_argument, NULL, OPT_PDF},
    {"seal", required_argument, NULL, OPT_SEAL},
    CLI_SIGN_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct render_args {
    const char *out, *layout, *dump, *batch, *previous, *seal;
    bool verbose, quiet, force;
    pb_pdf_kind pdf;
    int jobs;
    const char **font_dirs; /* borrowed from argv */
    int nfont_dirs;
    char **reports;         /* owned */
    int nreports, cap;
    cli_sign_args sign;
} render_args;

static void free_args(render_args *a)
{
    for (int i = 0; i < a->nreports; i++)
        free(a->reports[i]);
    free(a->reports);
    free(a->font_dirs);
}

/* Parses the command line into a; 0 or the status of a usage error. */
static int parse(int argc, char **argv, render_args *a)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cores < 1 ? 1 : cores > 1024 ? 1024 : (int)cores;
    a->font_dirs = cli_xmalloc(((size_t)argc + 1) * sizeof *a->font_dirs);
    int c;
    while ((c = getopt_long(argc, argv, ":o:l:j:qvh", options, NULL)) != -1) {
        int rc = 0;
        if (cli_sign_option(c, optarg, &a->sign, "render", &rc)) {
            if (rc)
                return rc;
            continue;
        }
        switch (c) {
        case 'o': a->out = stdout_name(optarg); break;
        case 'l': a->layout = optarg; break;
        case OPT_BATCH: a->batch = optarg; break;
        case 'j':
            if (!cli_parse_jobs("render", optarg, &a->jobs))
                return PB_ERR_USAGE;
            break;
        case 'q': a->quiet = true; break;
        case OPT_FONT_DIR: a->font_dirs[a->nfont_dirs++] = optarg; break;
        case OPT_DUMP: a->dump = stdout_name(optarg); break;
        case 'v': a->verbose = true; break;
        case OPT_PREVIOUS: a->previous = optarg; break;
        case OPT_FORCE: a->force = true; break;
        case OPT_SEAL: a->seal = optarg; break;
        case OPT_PDF:
            if (!strcmp(optarg, "archival"))
                a->pdf = PB_PDF_ARCHIVAL;
            else if (!strcmp(optarg, "plain"))
                a->pdf = PB_PDF_PLAIN;
            else
                return cli_usage_error("render", "--pdf takes archival or plain, got '%s'",
                                       optarg);
            break;
        case 'h': return -1;
        default: return cli_option_error("render", c, argv);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (a->nreports == a->cap) {
            a->cap = a->cap ? a->cap * 2 : 16;
            a->reports = cli_xrealloc(a->reports, (size_t)a->cap * sizeof *a->reports);
        }
        a->reports[a->nreports++] = cli_xstrdup(argv[i]);
    }
    return 0;
}

/* The combinations that make no sense, before anything is read. */
static int check_args(const render_args *a)
{
    bool many = a->nreports > 1 || a->batch;
    bool stdin_report = false;
    for (int i = 0; i < a->nreports; i++)
        stdin_report |= !strcmp(a->reports[i], "-");
    if (a->nreports == 0 && !a->batch)
        return cli_usage_error("render", "no report given");
    if (!a->out && !a->dump)
        return cli_usage_error("render", "no output given (-o OUT.pdf or --dump FILE)");
    if (many && stdin_report)
        return cli_usage_error("render", "the report from standard input ('-') must be the "
                                         "only report");
    if (stdin_report && a->batch && !strcmp(a->batch, "-"))
        return cli_usage_error("render", "the report and --batch cannot both be read from "
                                         "standard input");
    if (many && !a->out)
        return cli_usage_error("render", "several reports need an output folder (-o OUTDIR/)");
    if (many && a->dump)
        return cli_usage_error("render", "--dump takes one report");
    if (many && !strcmp(a->out, "-"))
        return cli_usage_error("render", "several reports need an output folder, not "
                                         "standard output");
    if (a->out && a->dump && !strcmp(a->out, "-") && !strcmp(a->dump, "-"))
        return cli_usage_error("render", "the PDF and the dump cannot both go to standard "
                                         "output");
    if (cli_sign_wanted(&a->sign))
        return cli_sign_check(&a->sign, "render");
    return 0;
}

/* One report: to the file named, to standard output, or into a folder. */
static int render_one(pb_engine *engine, const render_args *a, const pb_signer *signer)
{
    const char *report = a->reports[0];
    bool from_stdin = !strcmp(report, "-"), to_stdout = a->out && !strcmp(a->out, "-");
    char *path = NULL;
    if (a->out && !to_stdout && (cli_is_folder(a->out) || a->out[strlen(a->out) - 1] == '/')) {
        if (from_stdin)
            return cli_usage_error("render", "the report from standard input needs a file "
                                             "name to write (-o OUT.pdf)");
        if (!cli_make_folders(a->out))
            return PB_ERR_IO;
        path = output_for(a->out, report);
    }
    bool dump_stdout = a->dump && !strcmp(a->dump, "-");
    pb_request *req;
    pb_status st = make_request(&req, from_stdin ? "standard input" : report, a->layout,
                                a->previous, a->seal, signer, a->force, a->pdf,
                                path ? path : to_stdout ? NULL : a->out,
                                dump_stdout ? NULL : a->dump);
    if (st == PB_OK && from_stdin) {
        size_t len;
        char *input = cli_read_stdin(CLI_MAX_INPUT_BYTES, &len);
        if (!input) {
            pb_request_free(req);
            free(path);
            return PB_ERR_IO;
        }
        st = pb_request_set_report_bytes(req, "standard input", input, len);
        free(input);
    }
    if (st != PB_OK) {
        pb_request_free(req);
        free(path);
        return cli_failed(st);
    }
    unsigned char *pdf = NULL;
    char *dump = NULL;
    size_t pdf_len = 0, dump_len = 0;
    if (to_stdout || dump_stdout)
        st = pb_render_bytes(engine, req, to_stdout ? &pdf : NULL, to_stdout ? &pdf_len : NULL,
                             dump_stdout ? &dump : NULL, dump_stdout ? &dump_len : NULL);
    else
        st = pb_render(engine, req);
    /* only a complete PDF goes to standard output */
    if (st == PB_OK && pdf)
        cli_write_stdout(pdf, pdf_len);
    if (st == PB_OK && dump)
        cli_write_stdout(dump, dump_len);
    pb_free(pdf);
    pb_free(dump);
    pb_request_free(req);
    free(path);
    return (int)st;
}

int cmd_render(int argc, char **argv)
{
    render_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc < 0) {
        free_args(&a);
        return cli_help(help);
    }
    if (rc == 0)
        rc = check_args(&a);
    if (rc == 0 && a.batch && !read_list(a.batch, &a.reports, &a.nreports, &a.cap))
        rc = PB_ERR_IO;
    if (rc == 0 && a.nreports == 0)
        rc = cli_usage_error("render", "%s lists no report", a.batch);
    if (rc != 0) {
        free_args(&a);
        return rc;
    }

    pb_signer *signer = NULL;
    if (cli_sign_wanted(&a.sign) && !(signer = cli_signer(&a.sign, &rc))) {
        free_args(&a);
        return rc;
    }
    /* the font folders are checked here, before any report is read */
    pb_engine *engine = cli_engine(a.font_dirs, a.nfont_dirs, a.verbose, on_message);
    if (!engine) {
        pb_signer_free(signer);
        free_args(&a);
        return cli_engine_status;
    }
    if (a.nreports > 1 || a.batch)
        rc = render_batch(engine, a.layout, a.previous, a.seal, signer, a.force, a.pdf,
                          a.reports, a.nreports, a.out, a.jobs, a.quiet, a.verbose);
    else
        rc = render_one(engine, &a, signer);
    pb_engine_free(engine);
    pb_signer_free(signer);
    free_args(&a);
    return rc;
}
