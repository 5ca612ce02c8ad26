/* The command line: one file per command. */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <stdbool.h>

/* Prints "paiban: <message>" and a hint to stderr; returns PB_ERR_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_render(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
