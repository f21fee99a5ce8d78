/**
 * @file events.c  The event bus and the contact/agent event builders.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/agent.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/api/events.h>
#include <callflowd/core/util.h>

struct events {
	struct list subs;	/* struct event_sub */
	struct hash *seen;	/* struct seen: agents' last status/state */
};

struct event_sub {
	struct le le;
	struct events *evs;
	event_h *h;
	void *arg;
};

struct seen {
	struct le he;
	char *username;
	char *status;
	char *state;
};

/* The process's bus: the API creates it, contacts and agents emit. */
static struct events *bus;

static void seen_destructor(void *arg)
{
	struct seen *s = arg;

	hash_unlink(&s->he);
	mem_deref(s->username);
	mem_deref(s->status);
	mem_deref(s->state);
}

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
	hash_flush(evs->seen);
	mem_deref(evs->seen);
	if (bus == evs)
		bus = NULL;
}

int events_alloc(struct events **evp)
{
	struct events *evs;
	int err;

	if (!evp)
		return EINVAL;
	if (bus)
		return EALREADY;

	evs = mem_zalloc(sizeof(*evs), events_destructor);
	if (!evs)
		return ENOMEM;
	err = hash_alloc(&evs->seen, 64);
	if (err) {
		mem_deref(evs);
		return err;
	}
	bus = evs;
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

struct events *events_bus(void)
{
	return bus;
}

unsigned events_subscribers(void)
{
	return bus ? list_count(&bus->subs) : 0;
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

void events_emit(const struct event *ev)
{
	char *json = NULL;
	struct le *le;

	if (!bus || !ev || list_isempty(&bus->subs))
		return;
	if (event_encode(&json, ev))
		return;

	/* a handler may drop its own subscription: step first */
	le = list_head(&bus->subs);
	while (le) {
		struct event_sub *sub = le->data;

		le = le->next;
		sub->h(ev, json, sub->arg);
	}
	mem_deref(json);
}

void events_contact(const char *type, const struct cdata *cd,
		    const char *queue, const char *reason)
{
	struct event ev;
	char name[48];

	if (!bus || list_isempty(&bus->subs) || !type || !cd)
		return;

	re_snprintf(name, sizeof(name), "contact.%s", type);
	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_CONTACT;
	ev.type = name;
	ev.ts = util_now_ms();
	ev.contact_id = cd->contact_id;
	ev.queue = queue ? queue : cd->queue_name;
	ev.agent = cd->agent_username;
	ev.reason = reason;
	if (!strcmp(type, "initiated")) {
		ev.caller = cd->customer_addr;
		ev.dialled = cd->system_addr;
	}
	events_emit(&ev);
}

static bool seen_cmp(struct le *le, void *arg)
{
	const struct seen *s = le->data;

	return !strcmp(s->username, arg);
}

/* Replace *dst with src when they differ; true when it changed. */
static bool changed(char **dst, const char *src, char **prev)
{
	if (*dst && !strcmp(*dst, src))
		return false;
	*prev = *dst;
	*dst = NULL;
	(void)str_dup(dst, src);
	return true;
}

void events_agent(const struct ragent *a)
{
	const char *user = a ? agent_username(a) : NULL;
	char *prev_status = NULL, *prev_state = NULL;
	bool status_changed, state_changed;
	struct event ev;
	struct seen *s;
	struct le *le;

	if (!bus || !user)
		return;

	le = hash_lookup(bus->seen, hash_joaat_str(user), seen_cmp,
			 (void *)user);
	s = le ? le->data : NULL;
	if (!s) {
		s = mem_zalloc(sizeof(*s), seen_destructor);
		if (!s || str_dup(&s->username, user)) {
			mem_deref(s);
			return;
		}
		hash_append(bus->seen, hash_joaat_str(user), &s->he, s);
	}

	status_changed = changed(&s->status, agent_status(a), &prev_status);
	state_changed = changed(&s->state, agent_state_name(agent_state(a)),
				&prev_state);

	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_AGENT;
	ev.ts = util_now_ms();
	ev.agent = user;
	ev.status = agent_status(a);
	ev.state = agent_state_name(agent_state(a));
	if (status_changed) {
		ev.type = "agent.status";
		ev.previous = prev_status;
		events_emit(&ev);
	}
	if (state_changed) {
		ev.type = "agent.state";
		ev.previous = prev_state;
		events_emit(&ev);
	}
	mem_deref(prev_status);
	mem_deref(prev_state);
}
