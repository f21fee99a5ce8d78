/**
 * @file notify.c  systemd's notification protocol (sd_notify) without
 * libsystemd: one datagram per state to $NOTIFY_SOCKET.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include "notify.h"

int notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	size_t len;
	ssize_t n;
	int fd;

	if (!state)
		return EINVAL;
	if (!path || !*path)
		return 0;	/* not started by systemd */

	len = strlen(path);
	if (len >= sizeof(sun.sun_path) || (path[0] != '/' && path[0] != '@'))
		return EINVAL;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sun,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);

	return n < 0 ? errno : 0;
}

uint64_t notify_watchdog_usec(void)
{
	const char *s = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");

	if (!s)
		return 0;
	if (pid && (pid_t)strtol(pid, NULL, 10) != getpid())
		return 0;
	return strtoull(s, NULL, 10);
}
