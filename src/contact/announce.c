/**
 * @file announce.c  Contact and agent events built for the bus.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/events.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/routing/agent.h>
#include <callflowd/contact/announce.h>

struct announce {
	struct events *bus;
	struct hash *seen;	/* struct seen: agents' last status/state */
};

struct seen {
	struct le he;
	char *username;
	char *status;
	char *state;
};

static void seen_destructor(void *arg)
{
	struct seen *s = arg;

	hash_unlink(&s->he);
	mem_deref(s->username);
	mem_deref(s->status);
	mem_deref(s->state);
}

static void destructor(void *arg)
{
	struct announce *an = arg;

	hash_flush(an->seen);
	mem_deref(an->seen);
	mem_deref(an->bus);
}

int announce_alloc(struct announce **anp, struct events *bus)
{
	struct announce *an;
	int err;

	if (!anp || !bus)
		return EINVAL;
	an = mem_zalloc(sizeof(*an), destructor);
	if (!an)
		return ENOMEM;
	an->bus = mem_ref(bus);
	err = hash_alloc(&an->seen, 64);
	if (err)
		mem_deref(an);
	else
		*anp = an;
	return err;
}

struct events *announce_bus(const struct announce *an)
{
	return an ? an->bus : NULL;
}

void announce_contact(struct announce *an, const char *type,
		      const struct cdata *cd, const char *queue,
		      const char *reason)
{
	struct event ev;
	char name[48];

	if (!an || !events_subscribers(an->bus) || !type || !cd)
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
	events_emit(an->bus, &ev);
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

void announce_agent(struct announce *an, const struct ragent *a)
{
	const char *user = a ? agent_username(a) : NULL;
	char *prev_status = NULL, *prev_state = NULL;
	bool status_changed, state_changed;
	struct event ev;
	struct seen *s;
	struct le *le;

	if (!an || !user)
		return;

	le = hash_lookup(an->seen, hash_joaat_str(user), seen_cmp,
			 (void *)user);
	s = le ? le->data : NULL;
	if (!s) {
		s = mem_zalloc(sizeof(*s), seen_destructor);
		if (!s || str_dup(&s->username, user)) {
			mem_deref(s);
			return;
		}
		hash_append(an->seen, hash_joaat_str(user), &s->he, s);
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
		events_emit(an->bus, &ev);
	}
	if (state_changed) {
		ev.type = "agent.state";
		ev.previous = prev_state;
		events_emit(an->bus, &ev);
	}
	mem_deref(prev_status);
	mem_deref(prev_state);
}
