/**
 * @file notify.h  Service-manager notifications (systemd Type=notify).
 */
#ifndef CALLFLOWD_NOTIFY_H
#define CALLFLOWD_NOTIFY_H

#include <stdint.h>

/** Send "READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1", ...;
 *  does nothing (returns 0) when not run by systemd. */
int notify_send(const char *state);
/** The watchdog interval systemd asks for, 0 when none. */
uint64_t notify_watchdog_usec(void);

#endif
