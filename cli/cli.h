/*
 * cli.h: the command line front end.  Commands parse their options, call
 * the backend, and print; nothing here holds domain logic.
 */
#ifndef VI_CLI_H
#define VI_CLI_H

#include <stdio.h>

#include "backend.h"

struct cli_command {
	const char	*name;
	const char	*args;		/* synopsis after the name */
	const char	*help;
	int		(*fn)(int, char **);
};

/* main.c */
extern const struct cli_command cli_commands[];
int cli_error(const char *, ...) VI_PRINTF(1, 2);
void cli_print_safe(FILE *, const char *, int);
int cli_print_json(struct json_object *);
int cli_fail(char *);

/* cmd-list.c */
int cmd_list(int, char **);
int cmd_inspect(int, char **);

/* cmd-provider.c */
int cmd_provider(int, char **);

/* cmd-proxy.c */
int cmd_proxy(int, char **);

/* cmd-job.c */
int proxy_job_cmd(int, char **);

/* cmd-upload.c */
int proxy_upload_cmd(int, char **);

/* cmd-run.c */
int cmd_run(int, char **);
int cmd_jobs(int, char **);
int cmd_log(int, char **);
int cmd_cancel(int, char **);
int cmd_retry(int, char **);

/* cmd-console.c */
int cmd_console(int, char **);
void cli_libvirt_quiet(void);

/* cmd-theme.c */
int cmd_theme(int, char **);

#endif
