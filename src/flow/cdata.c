/**
 * @file cdata.c  Contact data: ids, endpoints, attributes, hooks, flags.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/strmap.h>

static const char *method_names[] = {
	"INBOUND", "OUTBOUND", "TRANSFER", "QUEUE_TRANSFER", "CALLBACK",
	"API", "DISCONNECT"
};

static const char *hook_names[HOOK_COUNT] = {
	"CustomerQueue", "CustomerHold", "AgentHold", "CustomerWhisper",
	"AgentWhisper", "CustomerRemaining", "DefaultAgentUI",
	"DisconnectAgentUI", "PauseContact", "ResumeContact"
};

const char *initiation_method_name(enum initiation_method m)
{
	if ((size_t)m >= sizeof(method_names) / sizeof(method_names[0]))
		return "INBOUND";
	return method_names[m];
}

const char *cdata_hook_name(enum cdata_hook h)
{
	return (unsigned)h < HOOK_COUNT ? hook_names[h] : "?";
}

int cdata_hook_parse(enum cdata_hook *hp, const char *name)
{
	int i;

	if (!hp || !name)
		return EINVAL;
	for (i = 0; i < HOOK_COUNT; i++) {
		if (!strcmp(name, hook_names[i])) {
			*hp = (enum cdata_hook)i;
			return 0;
		}
	}
	/* Older exports name the disconnect flow hook this way. */
	if (!strcmp(name, "DisconnectFlow")) {
		*hp = HOOK_CUSTOMER_REMAINING;
		return 0;
	}
	return EINVAL;
}

static void destructor(void *arg)
{
	struct cdata *cd = arg;
	int i;

	mem_deref(cd->name);
	mem_deref(cd->description);
	mem_deref(cd->attrs);
	mem_deref(cd->external);
	mem_deref(cd->sip_headers);
	mem_deref(cd->metrics);
	mem_deref(cd->lex);
	mem_deref(cd->tags);
	mem_deref(cd->stored_input);
	mem_deref(cd->queue_name);
	mem_deref(cd->queue_arn);
	mem_deref(cd->queue_caller_id);
	mem_deref(cd->agent_target);
	mem_deref(cd->agent_username);
	mem_deref(cd->agent_first);
	mem_deref(cd->agent_last);
	mem_deref(cd->agent_arn);
	for (i = 0; i < HOOK_COUNT; i++)
		mem_deref(cd->hooks[i]);
	mem_deref(cd->tts_voice);
	mem_deref(cd->tts_engine);
	mem_deref(cd->tts_style);
	mem_deref(cd->language);
	mem_deref(cd->callback_number);
	mem_deref(cd->routing_criteria);
	mem_deref(cd->customer);
	mem_deref(cd->views);
	mem_deref(cd->view);
}

int cdata_alloc(struct cdata **cdp, const char *contact_id)
{
	struct cdata *cd;
	int err;

	if (!cdp || !contact_id)
		return EINVAL;

	cd = mem_zalloc(sizeof(*cd), destructor);
	if (!cd)
		return ENOMEM;

	str_ncpy(cd->contact_id, contact_id, sizeof(cd->contact_id));
	str_ncpy(cd->initial_contact_id, contact_id,
		 sizeof(cd->initial_contact_id));
	cd->method = INIT_INBOUND;
	cd->segment = 1;
	cd->queue_priority = 5;

	err  = strmap_alloc(&cd->attrs);
	err |= strmap_alloc(&cd->external);
	err |= strmap_alloc(&cd->sip_headers);
	err |= strmap_alloc(&cd->metrics);
	err |= strmap_alloc(&cd->lex);
	err |= strmap_alloc(&cd->tags);
	err |= strmap_alloc(&cd->customer);
	err |= strmap_alloc(&cd->views);
	err |= str_dup(&cd->tts_voice, "Joanna");
	err |= str_dup(&cd->language, "en-US");
	if (err) {
		mem_deref(cd);
		return ENOMEM;
	}

	*cdp = cd;
	return 0;
}

static int copy_str(char **dst, const char *src)
{
	return src ? str_dup(dst, src) : 0;
}

int cdata_next_segment(struct cdata **cdp, const struct cdata *prev,
		       const char *contact_id, enum initiation_method m)
{
	struct cdata *cd = NULL;
	int err, i;

	if (!cdp || !prev || !contact_id)
		return EINVAL;
	if (prev->segment >= CDATA_MAX_SEGMENTS)
		return EOVERFLOW;

	err = cdata_alloc(&cd, contact_id);
	if (err)
		return err;

	str_ncpy(cd->initial_contact_id, prev->initial_contact_id,
		 sizeof(cd->initial_contact_id));
	str_ncpy(cd->previous_contact_id, prev->contact_id,
		 sizeof(cd->previous_contact_id));
	str_ncpy(cd->customer_addr, prev->customer_addr,
		 sizeof(cd->customer_addr));
	str_ncpy(cd->system_addr, prev->system_addr, sizeof(cd->system_addr));
	cd->method = m;
	cd->segment = prev->segment + 1;
	cd->flow_logging = prev->flow_logging;
	cd->record_agent = prev->record_agent;
	cd->record_customer = prev->record_customer;
	cd->record_ivr = prev->record_ivr;
	cd->queue_priority = prev->queue_priority;

	cd->attrs = mem_deref(cd->attrs);
	cd->sip_headers = mem_deref(cd->sip_headers);
	err  = strmap_dup(&cd->attrs, prev->attrs);
	err |= strmap_dup(&cd->sip_headers, prev->sip_headers);
	for (i = 0; i < HOOK_COUNT; i++) {
		err |= copy_str(&cd->hooks[i], prev->hooks[i]);
		cd->hook_disabled[i] = prev->hook_disabled[i];
	}
	cd->routing_criteria = mem_ref(prev->routing_criteria);
	err |= cdata_set_str(&cd->tts_voice, prev->tts_voice);
	err |= cdata_set_str(&cd->language, prev->language);
	err |= copy_str(&cd->callback_number, prev->callback_number);
	if (err) {
		mem_deref(cd);
		return ENOMEM;
	}

	*cdp = cd;
	return 0;
}

int cdata_set_str(char **field, const char *val)
{
	char *s = NULL;

	if (!field)
		return EINVAL;
	if (val && str_dup(&s, val))
		return ENOMEM;
	mem_deref(*field);
	*field = s;
	return 0;
}

int cdata_attr_set(struct cdata *cd, const char *key, const char *val)
{
	size_t old = 0, klen, vlen;
	const char *cur;

	if (!cd || !key || !val)
		return EINVAL;

	klen = strlen(key);
	vlen = strlen(val);
	cur = strmap_getn(cd->attrs, key, klen, &old);
	if (cur)
		old += klen;
	if (strmap_bytes(cd->attrs) - old + klen + vlen > CDATA_MAX_ATTR_BYTES)
		return EOVERFLOW;

	return strmap_setn(cd->attrs, key, klen, val, vlen);
}

bool cdata_dtmf_push(struct cdata *cd, char key)
{
	struct cdata_dtmf *b = cd ? &cd->dtmf : NULL;

	if (!b || !b->on || !strchr("0123456789*#", key) || !key)
		return false;
	/* a full buffer ignores keys until space becomes available */
	if (b->n >= CDATA_DTMF_BUFFER)
		return false;

	b->keys[b->n++] = key;
	b->keys[b->n] = '\0';
	return true;
}

size_t cdata_dtmf_take(struct cdata *cd, char *out, size_t n)
{
	struct cdata_dtmf *b = cd ? &cd->dtmf : NULL;

	if (!out)
		return 0;
	out[0] = '\0';
	if (!b)
		return 0;
	if (n > b->n)
		n = b->n;
	memcpy(out, b->keys, n);
	out[n] = '\0';
	memmove(b->keys, b->keys + n, b->n - n + 1u);
	b->n = (uint8_t)(b->n - n);
	return n;
}

void cdata_dtmf_clear(struct cdata *cd)
{
	if (cd)
		memset(&cd->dtmf, 0, sizeof(cd->dtmf));
}
