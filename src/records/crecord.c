/**
 * @file crecord.c  A contact record in Connect's field names.
 *
 * Stored input and encrypted values never reach a record: only the
 * contact attributes, which a flow sets explicitly, are written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/libre.h>
#include <callflowd/cdata.h>
#include <callflowd/records.h>
#include <callflowd/strmap.h>
#include <callflowd/util.h>

static json_t *ts(uint64_t ms)
{
	char buf[40];

	if (!ms)
		return json_null();
	util_iso8601(buf, sizeof(buf), ms);
	return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *endpoint(const char *addr)
{
	if (!addr || !*addr)
		return json_null();
	return json_pack("{s:s, s:s}", "Address", addr,
			 "Type", "TELEPHONE_NUMBER");
}

static json_t *map_obj(const struct strmap *map)
{
	json_t *o = json_object();
	size_t i, n = strmap_count(map);

	for (i = 0; o && i < n; i++) {
		const struct strmap_ent *e = strmap_at(map, i);

		json_object_set_new(o, e->key,
				    json_stringn(e->val, e->vlen));
	}
	return o;
}

/* Recordings[] (callflowd adds PausedSpans: silence in the file) */
static json_t *recordings(const struct crecord_info *info)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; a && i < info->recordingc; i++) {
		const struct crecord_recording *rc = &info->recordingv[i];
		json_t *paused = json_array();

		for (j = 0; paused && j < rc->pausec; j++)
			json_array_append_new(paused, json_pack("{s:o, s:o}",
				"StartTimestamp", ts(rc->pausev[j].start_ms),
				"StopTimestamp", ts(rc->pausev[j].stop_ms)));
		json_array_append_new(a, json_pack(
			"{s:o, s:s, s:s, s:o, s:o, s:o}",
			"Location", str_or_null(rc->location),
			"MediaStreamType", "AUDIO",
			"ParticipantType", rc->participant ? rc->participant :
				"ALL",
			"StartTimestamp", ts(rc->start_ms),
			"StopTimestamp", ts(rc->stop_ms),
			"PausedSpans", paused ? paused : json_array()));
	}
	return a;
}

int crecord_encode(char **jsonp, const struct cdata *cd,
		   const struct crecord_info *info)
{
	json_t *r, *queue = json_null();
	char *text;
	int err = 0;

	if (!jsonp || !info)
		return EINVAL;

	if (info->queue_name) {
		uint64_t dur = info->dequeued_ms > info->enqueued_ms ?
			(info->dequeued_ms - info->enqueued_ms) / 1000 : 0;

		json_decref(queue);
		queue = json_pack("{s:s, s:o, s:o, s:I}",
				  "Name", info->queue_name,
				  "EnqueueTimestamp", ts(info->enqueued_ms),
				  "DequeueTimestamp", ts(info->dequeued_ms),
				  "Duration", (json_int_t)dur);
	}

	r = json_pack("{s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o,"
		      " s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"ContactId", str_or_null(cd ? cd->contact_id : NULL),
		"InitialContactId",
			str_or_null(cd ? cd->initial_contact_id : NULL),
		"PreviousContactId",
			str_or_null(cd ? cd->previous_contact_id : NULL),
		"Channel", "VOICE",
		"InitiationMethod",
			initiation_method_name(cd ? cd->method : INIT_INBOUND),
		"InitiationTimestamp", ts(info->initiated_ms),
		"ConnectedToSystemTimestamp", ts(info->connected_ms),
		"DisconnectTimestamp", ts(info->disconnected_ms),
		"LastUpdateTimestamp", ts(info->disconnected_ms),
		"CustomerEndpoint", endpoint(cd ? cd->customer_addr : NULL),
		"SystemEndpoint", endpoint(cd ? cd->system_addr : NULL),
		"Attributes", cd ? map_obj(cd->attrs) : json_object(),
		"DisconnectReason", str_or_null(info->disconnect_reason),
		"Queue", queue,
		"ContactFlowName", str_or_null(info->flow_name),
		"QueuePriority",
			json_integer(cd ? (json_int_t)cd->queue_priority : 5));
	if (!r)
		return ENOMEM;

	/* callflowd's own fields: why a contact failed, what SIP said */
	if (info->failure || info->sip_status) {
		json_object_set_new(r, "Failure", json_pack("{s:o, s:o}",
			"Reason", str_or_null(info->failure),
			"SipStatus", str_or_null(info->sip_status)));
	}
	if (cd && strmap_count(cd->tags))
		json_object_set_new(r, "Tags", map_obj(cd->tags));
	json_object_set_new(r, "AgentConnectionAttempts",
			    json_integer((json_int_t)info->agent_attempts));
	if (cd && cd->agent_username && info->agent_connected_ms) {
		uint64_t end = info->disconnected_ms > info->agent_connected_ms ?
			info->disconnected_ms : info->agent_connected_ms;
		json_t *agent;

		agent = json_pack("{s:s, s:o, s:o, s:I, s:I, s:I}",
			"Username", cd->agent_username,
			"ARN", str_or_null(cd->agent_arn),
			"ConnectedToAgentTimestamp",
			ts(info->agent_connected_ms),
			/* hold durations in whole seconds, as Connect */
			"NumberOfHolds", (json_int_t)info->holds,
			"CustomerHoldDuration",
			(json_int_t)((info->hold_ms + 500) / 1000),
			"LongestHoldDuration",
			(json_int_t)((info->longest_hold_ms + 500) / 1000));
		/* the agent's part ends with the contact; after-contact work
		 * starts then (its end is the agent's, in the event stream) */
		if (agent) {
			json_object_set_new(agent, "AgentInteractionDuration",
				json_integer((json_int_t)
				((end - info->agent_connected_ms + 500) /
				 1000)));
			json_object_set_new(agent,
				"AfterContactWorkStartTimestamp", ts(end));
		}
		json_object_set_new(r, "Agent", agent);
	}

	/* transfers: the segment that follows, where the caller went */
	if (info->next_contact_id[0])
		json_object_set_new(r, "NextContactId",
				    json_string(info->next_contact_id));
	if (info->transferred_to[0])
		json_object_set_new(r, "TransferredToEndpoint",
				    endpoint(info->transferred_to));
	if (info->transfer_completed_ms)
		json_object_set_new(r, "TransferCompletedTimestamp",
				    ts(info->transfer_completed_ms));

	if (info->recordingc) {
		json_object_set_new(r, "Recording", json_pack("{s:o, s:s, s:s}",
			"Location", str_or_null(info->recordingv[0].location),
			"Status", info->recording_status ?
				info->recording_status : "AVAILABLE",
			"Type", "AUDIO"));
		json_object_set_new(r, "Recordings", recordings(info));
	}

	text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	if (!text)
		return ENOMEM;

	err = str_dup(jsonp, text);
	free(text);
	return err;
}
