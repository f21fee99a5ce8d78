/**
 * @file agentlog.c  Agent events from the bus to a day file.
 */
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/agentlog.h>
#include <callflowd/store/dayfile.h>
#include <callflowd/core/events.h>
#include <callflowd/core/log.h>

struct agentlog {
	struct event_sub *sub;
	struct dayfile *df;
	uint64_t lines;
};

static void destructor(void *arg)
{
	struct agentlog *al = arg;

	mem_deref(al->sub);
	mem_deref(al->df);
}

static void event_handler(const struct event *ev, const char *json,
			  void *arg)
{
	struct agentlog *al = arg;
	int err;

	if (ev->kind != EVENT_AGENT)
		return;
	err = dayfile_line(al->df, ev->ts, json);
	if (err)
		log_warn("agent log: %s of %s not written: %m", ev->type,
			 ev->agent ? ev->agent : "?", err);
	else
		++al->lines;
}

int agentlog_alloc(struct agentlog **alp, const char *data_dir,
		   struct events *bus)
{
	struct agentlog *al;
	int err;

	if (!alp || !data_dir || !bus)
		return EINVAL;
	al = mem_zalloc(sizeof(*al), destructor);
	if (!al)
		return ENOMEM;
	err = dayfile_alloc(&al->df, data_dir, "agent-events");
	if (!err)
		err = events_subscribe(&al->sub, bus, event_handler,
				       al);
	if (err)
		mem_deref(al);
	else
		*alp = al;
	return err;
}

void agentlog_flush(struct agentlog *al, uint32_t ms)
{
	if (al)
		dayfile_flush(al->df, ms);
}

uint64_t agentlog_lines(const struct agentlog *al)
{
	return al ? al->lines : 0;
}
