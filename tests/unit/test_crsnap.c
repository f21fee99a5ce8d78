/*
 * Record snapshots: the record printed from a snapshot carries every
 * field of the contact and its info, redactions applied at freezing; a
 * snapshot is independent of the contact once made, prints the same on a
 * pool thread, compares equal only to the same state, and its ACW
 * revision completes the Agent section.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/core/loop.h>
#include <callflowd/store/records.h>
#include <callflowd/core/strmap.h>
#include "test.h"

#define T0 1714557600000ULL	/* 2024-05-01T10:00:00.000Z */

static const struct crecord_span spans[] = {
	{T0 + 70000, T0 + 75000},
};

static const struct crecord_recording recs[] = {
	{"/var/lib/callflowd/recordings/2024/05/01/c-1.wav", "ALL",
	 T0 + 60000, T0 + 120000, spans, 1},
};

static void info_fill(struct crecord_info *info)
{
	memset(info, 0, sizeof(*info));
	info->initiated_ms = T0;
	info->connected_ms = T0 + 1000;
	info->disconnected_ms = T0 + 120000;
	info->disconnect_reason = "AGENT_DISCONNECT";
	info->flow_name = "Main";
	info->queue_name = "Sales";
	info->enqueued_ms = T0 + 10000;
	info->dequeued_ms = T0 + 60000;
	info->agent_connected_ms = T0 + 60000;
	info->agent_attempts = 2;
	info->holds = 2;
	info->hold_ms = 9400;
	info->longest_hold_ms = 6600;
	info->recordingv = recs;
	info->recordingc = 1;
}

static int contact(struct cdata **cdp)
{
	struct cdata *cd = NULL;
	int err;

	err = cdata_alloc(&cd, "c-1");
	if (err)
		return err;
	str_ncpy(cd->customer_addr, "+15550001111", sizeof(cd->customer_addr));
	str_ncpy(cd->system_addr, "+18005550100", sizeof(cd->system_addr));
	err |= cdata_attr_set(cd, "Menu", "sales");
	err |= cdata_attr_set(cd, "Card", "4111111111111111");
	err |= strmap_set(cd->tags, "Team", "blue");
	err |= str_dup(&cd->agent_username, "alice");
	err |= str_dup(&cd->agent_arn, "arn:callflowd:agent/alice");
	cd->queue_priority = 2;
	if (err)
		mem_deref(cd);
	else
		*cdp = cd;
	return err;
}

static json_t *parse(const struct crsnap *s)
{
	char *text = NULL;
	json_t *r;

	if (crsnap_encode(&text, s))
		return NULL;
	r = json_loads(text, 0, NULL);
	mem_deref(text);
	return r;
}

static const char *get_s(const json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return json_string_value(json_object_get(o, path));
}

static long long get_i(const json_t *o, const char *sect, const char *key)
{
	if (sect)
		o = json_object_get(o, sect);
	return json_integer_value(json_object_get(o, key));
}

TEST(fields_and_redaction)
{
	struct crecord_info info;
	struct strmap *redact = NULL;
	struct cdata *cd = NULL;
	struct crsnap *s = NULL;
	const json_t *rc;
	json_t *r;

	info_fill(&info);
	ASSERT_INT_EQ(contact(&cd), 0);
	ASSERT_INT_EQ(strmap_alloc(&redact), 0);
	ASSERT_INT_EQ(strmap_set(redact, "Card", ""), 0);
	ASSERT_INT_EQ(crsnap_build(&s, cd, &info, redact), 0);
	ASSERT_STR_EQ(crsnap_contact_id(s), "c-1");
	ASSERT_TRUE(crsnap_has_agent(s));
	ASSERT_INT_EQ(crsnap_initiated_ms(s), T0);
	ASSERT_STR_EQ(crsnap_customer(s), "+15550001111");
	ASSERT_STR_EQ(crsnap_flow_name(s), "Main");

	/* the snapshot outlives the contact and what info pointed at */
	cd = mem_deref(cd);
	memset(&info, 0, sizeof(info));

	r = parse(s);
	ASSERT_NOT_NULL(r);
	ASSERT_STR_EQ(get_s(r, "ContactId"), "c-1");
	ASSERT_STR_EQ(get_s(r, "InitialContactId"), "c-1");
	ASSERT_TRUE(json_is_null(json_object_get(r, "PreviousContactId")));
	ASSERT_STR_EQ(get_s(r, "InitiationMethod"), "INBOUND");
	ASSERT_STR_EQ(get_s(r, "InitiationTimestamp"),
		      "2024-05-01T10:00:00.000Z");
	ASSERT_STR_EQ(get_s(r, "DisconnectTimestamp"),
		      "2024-05-01T10:02:00.000Z");
	ASSERT_STR_EQ(get_s(r, "LastUpdateTimestamp"),
		      "2024-05-01T10:02:00.000Z");
	ASSERT_STR_EQ(get_s(r, "CustomerEndpoint.Address"), "+15550001111");
	ASSERT_STR_EQ(get_s(r, "SystemEndpoint.Type"), "TELEPHONE_NUMBER");
	ASSERT_STR_EQ(get_s(r, "Attributes.Menu"), "sales");
	ASSERT_STR_EQ(get_s(r, "Attributes.Card"), RECORDS_REDACTED);
	ASSERT_STR_EQ(get_s(r, "Tags.Team"), "blue");
	ASSERT_STR_EQ(get_s(r, "DisconnectReason"), "AGENT_DISCONNECT");
	ASSERT_STR_EQ(get_s(r, "ContactFlowName"), "Main");
	ASSERT_INT_EQ(get_i(r, NULL, "QueuePriority"), 2);
	ASSERT_STR_EQ(get_s(r, "Queue.Name"), "Sales");
	ASSERT_INT_EQ(get_i(r, "Queue", "Duration"), 50);
	ASSERT_INT_EQ(get_i(r, NULL, "AgentConnectionAttempts"), 2);
	ASSERT_STR_EQ(get_s(r, "Agent.Username"), "alice");
	ASSERT_STR_EQ(get_s(r, "Agent.ARN"), "arn:callflowd:agent/alice");
	ASSERT_INT_EQ(get_i(r, "Agent", "NumberOfHolds"), 2);
	ASSERT_INT_EQ(get_i(r, "Agent", "CustomerHoldDuration"), 9);
	ASSERT_INT_EQ(get_i(r, "Agent", "LongestHoldDuration"), 7);
	ASSERT_INT_EQ(get_i(r, "Agent", "AgentInteractionDuration"), 60);
	ASSERT_STR_EQ(get_s(r, "Agent.AfterContactWorkStartTimestamp"),
		      "2024-05-01T10:02:00.000Z");
	ASSERT_NULL(json_object_get(json_object_get(r, "Agent"),
				    "AfterContactWorkEndTimestamp"));
	ASSERT_STR_EQ(get_s(r, "Recording.Status"), "AVAILABLE");
	rc = json_array_get(json_object_get(r, "Recordings"), 0);
	ASSERT_STR_EQ(get_s(rc, "Location"), recs[0].location);
	ASSERT_STR_EQ(get_s(rc, "ParticipantType"), "ALL");
	ASSERT_STR_EQ(get_s(json_array_get(json_object_get(rc, "PausedSpans"),
					   0), "StopTimestamp"),
		      "2024-05-01T10:01:15.000Z");
	ASSERT_NULL(json_object_get(r, "Failure"));
	ASSERT_NULL(json_object_get(r, "NextContactId"));
	json_decref(r);

	mem_deref(s);
	mem_deref(redact);
}

TEST(equal_only_to_same_state)
{
	struct crecord_info info;
	struct cdata *cd = NULL;
	struct crsnap *a = NULL, *b = NULL, *c = NULL;

	info_fill(&info);
	ASSERT_INT_EQ(contact(&cd), 0);
	ASSERT_INT_EQ(crsnap_build(&a, cd, &info, NULL), 0);
	ASSERT_INT_EQ(crsnap_build(&b, cd, &info, NULL), 0);
	ASSERT_TRUE(a != b);
	ASSERT_TRUE(crsnap_equal(a, b));
	ASSERT_INT_EQ(crsnap_size(a), crsnap_size(b));

	/* same length, one byte different */
	ASSERT_INT_EQ(cdata_attr_set(cd, "Menu", "sAles"), 0);
	ASSERT_INT_EQ(crsnap_build(&c, cd, &info, NULL), 0);
	ASSERT_FALSE(crsnap_equal(a, c));
	c = mem_deref(c);
	info.holds = 3;
	ASSERT_INT_EQ(crsnap_build(&c, cd, &info, NULL), 0);
	ASSERT_FALSE(crsnap_equal(b, c));
	ASSERT_FALSE(crsnap_equal(a, NULL));
	ASSERT_TRUE(crsnap_equal(NULL, NULL));

	mem_deref(a);
	mem_deref(b);
	mem_deref(c);
	mem_deref(cd);
}

TEST(acw_revision)
{
	struct crecord_info info;
	struct cdata *cd = NULL;
	struct crsnap *s = NULL, *rev = NULL;
	json_t *r;

	info_fill(&info);
	ASSERT_INT_EQ(contact(&cd), 0);
	ASSERT_INT_EQ(crsnap_build(&s, cd, &info, NULL), 0);
	ASSERT_INT_EQ(crsnap_acw_end(&rev, s, T0 + 150400), 0);
	ASSERT_FALSE(crsnap_equal(s, rev));

	r = parse(rev);
	ASSERT_NOT_NULL(r);
	ASSERT_STR_EQ(get_s(r, "ContactId"), "c-1");
	ASSERT_STR_EQ(get_s(r, "DisconnectTimestamp"),
		      "2024-05-01T10:02:00.000Z");
	ASSERT_STR_EQ(get_s(r, "LastUpdateTimestamp"),
		      "2024-05-01T10:02:30.400Z");
	ASSERT_STR_EQ(get_s(r, "Agent.AfterContactWorkStartTimestamp"),
		      "2024-05-01T10:02:00.000Z");
	ASSERT_STR_EQ(get_s(r, "Agent.AfterContactWorkEndTimestamp"),
		      "2024-05-01T10:02:30.400Z");
	ASSERT_INT_EQ(get_i(r, "Agent", "AfterContactWorkDuration"), 30);
	ASSERT_INT_EQ(get_i(r, "Agent", "AgentInteractionDuration"), 60);
	json_decref(r);
	rev = mem_deref(rev);

	/* the contact left the agent before it ended (the customer stayed
	 * in a flow): ACW starts then, not at the disconnect */
	s = mem_deref(s);
	info.agent_ended_ms = T0 + 90000;
	info.acw_end_ms = T0 + 100000;
	ASSERT_INT_EQ(crsnap_build(&s, cd, &info, NULL), 0);
	r = parse(s);
	ASSERT_NOT_NULL(r);
	ASSERT_INT_EQ(get_i(r, "Agent", "AgentInteractionDuration"), 30);
	ASSERT_STR_EQ(get_s(r, "Agent.AfterContactWorkStartTimestamp"),
		      "2024-05-01T10:01:30.000Z");
	ASSERT_INT_EQ(get_i(r, "Agent", "AfterContactWorkDuration"), 10);
	/* ended before the disconnect: the last update stays there */
	ASSERT_STR_EQ(get_s(r, "LastUpdateTimestamp"),
		      "2024-05-01T10:02:00.000Z");
	json_decref(r);
	info.agent_ended_ms = 0;
	info.acw_end_ms = 0;

	/* no agent, no ACW */
	s = mem_deref(s);
	info.agent_connected_ms = 0;
	ASSERT_INT_EQ(crsnap_build(&s, cd, &info, NULL), 0);
	ASSERT_FALSE(crsnap_has_agent(s));
	ASSERT_INT_EQ(crsnap_acw_end(&rev, s, T0 + 150000), EINVAL);
	ASSERT_NULL(rev);

	mem_deref(s);
	mem_deref(cd);
}

TEST(refused_call_without_contact)
{
	struct crecord_info info;
	struct crsnap *s = NULL;
	json_t *r;

	memset(&info, 0, sizeof(info));
	info.initiated_ms = T0;
	info.disconnected_ms = T0;
	info.sip_status = "404";
	info.failure = "no flow for the dialled number";
	ASSERT_INT_EQ(crsnap_build(&s, NULL, &info, NULL), 0);
	ASSERT_NULL(crsnap_contact_id(s));
	r = parse(s);
	ASSERT_NOT_NULL(r);
	ASSERT_TRUE(json_is_null(json_object_get(r, "ContactId")));
	ASSERT_TRUE(json_is_null(json_object_get(r, "CustomerEndpoint")));
	ASSERT_INT_EQ(json_object_size(json_object_get(r, "Attributes")), 0);
	ASSERT_INT_EQ(get_i(r, NULL, "QueuePriority"), 5);
	ASSERT_TRUE(json_is_null(json_object_get(r, "Queue")));
	ASSERT_STR_EQ(get_s(r, "Failure.SipStatus"), "404");
	ASSERT_STR_EQ(get_s(r, "Failure.Reason"),
		      "no flow for the dialled number");
	ASSERT_NULL(json_object_get(r, "Agent"));
	json_decref(r);
	mem_deref(s);

	ASSERT_INT_EQ(crsnap_build(NULL, NULL, &info, NULL), EINVAL);
	ASSERT_INT_EQ(crsnap_build(&s, NULL, NULL, NULL), EINVAL);
	ASSERT_INT_EQ(crsnap_print(NULL, s), EINVAL);
}

struct pooljob {
	const struct crsnap *s;
	struct mbuf *mb;
	int err;
	bool done;
};

static void pool_print(void *arg)
{
	struct pooljob *pj = arg;

	pj->err = crsnap_print(pj->mb, pj->s);
}

static void pool_done(int err, void *arg)
{
	struct pooljob *pj = arg;

	if (err)
		pj->err = err;
	pj->done = true;
	re_cancel();
}

TEST(prints_the_same_on_a_pool_thread)
{
	struct crecord_info info;
	struct cdata *cd = NULL;
	struct crsnap *s = NULL;
	struct pooljob pj;
	char *here = NULL;

	ASSERT_INT_EQ(loop_init(), 0);
	info_fill(&info);
	ASSERT_INT_EQ(contact(&cd), 0);
	ASSERT_INT_EQ(crsnap_build(&s, cd, &info, NULL), 0);
	ASSERT_INT_EQ(crsnap_encode(&here, s), 0);

	memset(&pj, 0, sizeof(pj));
	pj.s = s;
	pj.mb = mbuf_alloc(256);
	ASSERT_NOT_NULL(pj.mb);
	ASSERT_INT_EQ(loop_work(pool_print, pool_done, &pj), 0);
	(void)re_main(NULL);
	ASSERT_TRUE(pj.done);
	ASSERT_INT_EQ(pj.err, 0);
	ASSERT_INT_EQ(pj.mb->end, strlen(here));
	ASSERT_TRUE(!memcmp(pj.mb->buf, here, pj.mb->end));

	/* and as crecord_encode() gives it, straight from the contact */
	here = mem_deref(here);
	ASSERT_INT_EQ(crecord_encode(&here, cd, &info), 0);
	ASSERT_INT_EQ(pj.mb->end, strlen(here));
	ASSERT_TRUE(!memcmp(pj.mb->buf, here, pj.mb->end));

	mem_deref(here);
	mem_deref(pj.mb);
	mem_deref(s);
	mem_deref(cd);
	loop_close();
}
