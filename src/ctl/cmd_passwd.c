/**
 * @file cmd_passwd.c  callflowctl passwd: the digest HA1 of an agent's
 * password, to store as the agent's "ha1" in the configuration.
 *
 * HA1 = MD5(username:realm:password) is what SIP digest authentication
 * needs on the server side: with it the daemon checks a REGISTER without
 * ever holding the password. The password comes from standard input (its
 * first line) or, on a terminal, from a prompt without echo, asked twice.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

enum { PASS_MAX = 1024 };

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl passwd USERNAME [--realm REALM]\n"
		"\n"
		"Prints the digest HA1, MD5(USERNAME:REALM:PASSWORD), to\n"
		"store as the agent's \"ha1\" in the configuration. The\n"
		"password is read from standard input (first line), or asked\n"
		"for twice without echo on a terminal. REALM is the daemon's\n"
		"digest realm (default callflowd).\n");
}

/* One line from fp into buf without its newline; ENODATA at end. */
static int line_read(char *buf, size_t sz, FILE *fp)
{
	size_t n;

	if (!fgets(buf, (int)sz, fp))
		return ENODATA;
	n = strlen(buf);
	if (n && buf[n - 1] != '\n' && !feof(fp))
		return EOVERFLOW;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

/* Prompt on the terminal with echo off: off before the prompt shows, so
 * an answer typed as soon as it appears is neither echoed nor flushed. */
static int prompt(char *buf, size_t sz, FILE *tty, const char *text)
{
	struct termios old, quiet;
	int fd = fileno(tty), err;

	if (tcgetattr(fd, &old))
		return errno;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet))
		return errno;
	fprintf(stderr, "%s", text);
	fflush(stderr);
	err = line_read(buf, sz, tty);
	(void)tcsetattr(fd, TCSANOW, &old);
	return err;
}

static int password_get(char *pass, size_t sz)
{
	char again[PASS_MAX];
	FILE *tty;
	int err;

	if (!isatty(STDIN_FILENO))
		return line_read(pass, sz, stdin);

	tty = fopen("/dev/tty", "r+");
	if (!tty)
		return errno;
	err = prompt(pass, sz, tty, "Password: ");
	if (!err)
		err = prompt(again, sizeof(again), tty, "Again: ");
	if (!err && strcmp(pass, again)) {
		fprintf(stderr, "callflowctl: the passwords differ\n");
		err = EINVAL;
	}
	memset(again, 0, sizeof(again));
	fclose(tty);
	return err;
}

int cmd_passwd(int argc, char **argv)
{
	const char *user = NULL, *realm = "callflowd";
	char pass[PASS_MAX];
	uint8_t ha1[16];
	char *src = NULL;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--realm") && i + 1 < argc) {
			realm = argv[++i];
		}
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		else if (argv[i][0] == '-' || user) {
			usage(stderr);
			return 2;
		}
		else {
			user = argv[i];
		}
	}
	if (!user || !*user || !*realm) {
		usage(stderr);
		return 2;
	}
	/* the hash joins the parts with ':': one in the name is ambiguous */
	if (strchr(user, ':') || strchr(realm, ':')) {
		fprintf(stderr, "callflowctl: passwd: ':' in a username or "
			"realm makes the hash ambiguous\n");
		return 2;
	}

	err = password_get(pass, sizeof(pass));
	if (err == ENODATA || (!err && !pass[0])) {
		fprintf(stderr, "callflowctl: passwd: empty password\n");
		err = EINVAL;
		goto out;
	}
	if (err) {
		if (err != EINVAL)
			fprintf(stderr, "callflowctl: passwd: cannot read the "
				"password: %s\n", strerror(err));
		goto out;
	}

	err = re_sdprintf(&src, "%s:%s:%s", user, realm, pass);
	if (err)
		goto out;
	md5((const uint8_t *)src, strlen(src), ha1);
	memset(src, 0, strlen(src));
	re_printf("%w\n", ha1, sizeof(ha1));

 out:
	memset(pass, 0, sizeof(pass));
	mem_deref(src);
	return err ? 1 : 0;
}
