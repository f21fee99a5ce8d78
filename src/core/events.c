/**
 * @file events.c  The event bus.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/events.h>
#include <callflowd/core/util.h>

struct events {
	struct list subs;	/* struct event_sub */
};

struct event_sub {
	struct le le;
	struct events *evs;
	event_h *h;
	void *arg;
};

static void events_destructor(void *arg)
{
	struct events *evs = arg;
	struct le *le;

	/* subscribers outlive the bus only as inert objects */
	for (le = list_head(&evs->subs); le; le = le->next) {
		struct event_sub *sub = le->data;

		sub->evs = NULL;
	}
	list_clear(&evs->subs);
}

int events_alloc(struct events **evp)
{
	struct events *evs;

	if (!evp)
		return EINVAL;
	evs = mem_zalloc(sizeof(*evs), events_destructor);
	if (!evs)
		return ENOMEM;
	*evp = evs;
	return 0;
}

static void sub_destructor(void *arg)
{
	struct event_sub *sub = arg;

	if (sub->evs)
		list_unlink(&sub->le);
}

int events_subscribe(struct event_sub **subp, struct events *evs,
		     event_h *h, void *arg)
{
	struct event_sub *sub;

	if (!subp || !evs || !h)
		return EINVAL;

	sub = mem_zalloc(sizeof(*sub), sub_destructor);
	if (!sub)
		return ENOMEM;
	sub->evs = evs;
	sub->h = h;
	sub->arg = arg;
	list_append(&evs->subs, &sub->le, sub);
	*subp = sub;
	return 0;
}

unsigned events_subscribers(const struct events *evs)
{
	return evs ? list_count(&evs->subs) : 0;
}

static void set_opt(json_t *o, const char *key, const char *val)
{
	if (val && *val)
		json_object_set_new(o, key, json_string(val));
}

int event_encode(char **jsonp, const struct event *ev)
{
	char when[40];
	char *text;
	json_t *o;
	int err;

	if (!jsonp || !ev || !ev->type)
		return EINVAL;

	util_iso8601(when, sizeof(when), ev->ts);
	o = json_pack("{s:s, s:s}", "type", ev->type, "timestamp", when);
	if (!o)
		return ENOMEM;
	set_opt(o, "ContactId", ev->contact_id);
	set_opt(o, "queue", ev->queue);
	set_opt(o, "agent", ev->agent);
	set_opt(o, "reason", ev->reason);
	set_opt(o, "status", ev->status);
	set_opt(o, "state", ev->state);
	set_opt(o, "previous", ev->previous);
	set_opt(o, "caller", ev->caller);
	set_opt(o, "dialled", ev->dialled);

	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return ENOMEM;
	err = str_dup(jsonp, text);
	free(text);
	return err;
}

void events_emit(struct events *evs, const struct event *ev)
{
	char *json = NULL;
	struct le *le;

	if (!evs || !ev || list_isempty(&evs->subs))
		return;
	if (event_encode(&json, ev))
		return;

	/* a handler may drop its own subscription: step first */
	le = list_head(&evs->subs);
	while (le) {
		struct event_sub *sub = le->data;

		le = le->next;
		sub->h(ev, json, sub->arg);
	}
	mem_deref(json);
}
