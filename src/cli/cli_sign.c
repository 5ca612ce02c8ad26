/* The signing options render and sign share (--key, --cert, --chain,
 * --pass-in, --reason, --location, --name, --contact, --reserve), and the
 * signer they make.  The passphrase is taken as openssl's -passin takes
 * it, never typed at a prompt. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

bool cli_sign_option(int c, const char *arg, cli_sign_args *a, const char *cmd, int *rc)
{
    switch (c) {
    case CLI_OPT_KEY: a->key = arg; return true;
    case CLI_OPT_CERT: a->cert = arg; return true;
    case CLI_OPT_CHAIN: a->chain = arg; return true;
    case CLI_OPT_PASS_IN: a->pass_in = arg; return true;
    case CLI_OPT_REASON: a->reason = arg; return true;
    case CLI_OPT_LOCATION: a->location = arg; return true;
    case CLI_OPT_NAME: a->name = arg; return true;
    case CLI_OPT_CONTACT: a->contact = arg; return true;
    case CLI_OPT_RESERVE: {
        char *end;
        errno = 0;
        long long v = strtoll(arg, &end, 10);
        if (errno || end == arg || *end || v < 1 || v > (1 << 20)) {
            *rc = cli_usage_error(cmd, "--reserve needs a number of bytes from 1 to 1048576, "
                                       "got '%s'", arg);
            return true;
        }
        a->reserve = (size_t)v;
        return true;
    }
    default:
        return false;
    }
}

bool cli_sign_wanted(const cli_sign_args *a)
{
    return a->key || a->cert || a->chain || a->pass_in || a->reason || a->location || a->name ||
           a->contact || a->reserve;
}

int cli_sign_check(const cli_sign_args *a, const char *cmd)
{
    if (!a->key && !a->cert)
        return cli_usage_error(cmd, "signing needs --key and --cert");
    if (!a->key)
        return cli_usage_error(cmd, "signing needs the private key: --key KEY.pem");
    if (!a->cert)
        return cli_usage_error(cmd, "signing needs the key's certificate: --cert CERT.pem");
    return 0;
}

/* The first line of what fd holds (at most 4 KiB). */
static char *first_line(int fd, size_t *len)
{
    char *buf = cli_xmalloc(4097);
    size_t n = 0;
    ssize_t r;
    while (n < 4096 && (r = read(fd, buf + n, 4096 - n)) > 0)
        n += (size_t)r;
    if (r < 0 && n == 0) {
        free(buf);
        return NULL;
    }
    size_t k = strcspn(buf, "\r\n");
    if (k < n)
        n = k;
    buf[n] = 0;
    *len = n;
    return buf;
}

/* env:VAR, file:PATH, fd:N or pass:TEXT */
static int passphrase(const char *src, char **out, size_t *len)
{
    *out = NULL;
    if (!strncmp(src, "pass:", 5)) {
        *out = cli_xstrdup(src + 5);
        *len = strlen(*out);
        return 0;
    }
    if (!strncmp(src, "env:", 4)) {
        const char *v = getenv(src + 4);
        if (!v) {
            cli_error("--pass-in %s: the environment variable %s is not set", src, src + 4);
            return PB_ERR_USAGE;
        }
        *out = cli_xstrdup(v);
        *len = strlen(v);
        return 0;
    }
    if (!strncmp(src, "file:", 5)) {
        int fd = open(src + 5, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || !(*out = first_line(fd, len))) {
            cli_error("%s: cannot read: %s", src + 5, strerror(errno));
            if (fd >= 0)
                close(fd);
            return PB_ERR_IO;
        }
        close(fd);
        return 0;
    }
    if (!strncmp(src, "fd:", 3)) {
        char *end;
        long fd = strtol(src + 3, &end, 10);
        if (end == src + 3 || *end || fd < 0 || !(*out = first_line((int)fd, len))) {
            cli_error("--pass-in %s: cannot read descriptor %s", src, src + 3);
            return PB_ERR_IO;
        }
        return 0;
    }
    return cli_usage_error(NULL, "--pass-in takes env:VAR, file:PATH, fd:N or pass:TEXT, got '%s'",
                           src);
}

pb_signer *cli_signer(const cli_sign_args *a, int *rc)
{
    pb_signer *s = pb_signer_new();
    if (!s) {
        *rc = cli_failed(PB_ERR_MEMORY);
        return NULL;
    }
    pb_status st = pb_signer_set_key_file(s, a->key);
    if (st == PB_OK)
        st = pb_signer_set_cert_file(s, a->cert);
    if (st == PB_OK && a->chain)
        st = pb_signer_set_chain_file(s, a->chain);
    if (st == PB_OK)
        st = pb_signer_set_reason(s, a->reason);
    if (st == PB_OK)
        st = pb_signer_set_location(s, a->location);
    if (st == PB_OK)
        st = pb_signer_set_name(s, a->name);
    if (st == PB_OK)
        st = pb_signer_set_contact(s, a->contact);
    if (st == PB_OK)
        st = pb_signer_set_reserve(s, a->reserve);
    /* without SOURCE_DATE_EPOCH or a date of the document, a signature
     * made now says so */
    if (st == PB_OK)
        st = pb_signer_set_fallback_time(s, (long long)time(NULL));
    if (st != PB_OK) {
        pb_signer_free(s);
        *rc = cli_failed(st);
        return NULL;
    }
    if (a->pass_in) {
        char *pass;
        size_t len = 0;
        *rc = passphrase(a->pass_in, &pass, &len);
        if (*rc) {
            pb_signer_free(s);
            return NULL;
        }
        st = pb_signer_set_passphrase(s, pass, len);
        memset(pass, 0, len);
        free(pass);
        if (st != PB_OK) {
            pb_signer_free(s);
            *rc = cli_failed(st);
            return NULL;
        }
    }
    *rc = 0;
    return s;
}
