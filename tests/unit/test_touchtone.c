/*
 * Set touchtone buffer behavior (type-ahead): keys the port hands to
 * frun_key() outside an input block are kept (up to 30) for the next
 * Get / Store customer input, interrupt a Play prompt marked to be
 * skipped (or skip it when keys wait), and Stop and clear forgets them,
 * optionally storing them. Without the block keys stay lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/collect.h>
#include "fake_ops.h"
#include "test.h"

static char *dq(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return d;
}

#define ERR(next) "'Errors':[{'ErrorType':'NoMatchingError'," \
	"'NextAction':'" next "'}]"

#define BUFFER_ON \
	"{'Identifier':'on','Type':'GetParticipantInput','Parameters':" \
	"{'EnableDTMFBuffer':'true'},'Transitions':{'NextAction':'hello'," \
	ERR("bye") "}},"

/* on -> hello (skippable prompt) -> menu (one key) -> pin (stored) */
static const char typeahead[] =
	"{'Version':'2019-10-30','StartAction':'on','Actions':["
	BUFFER_ON
	"{'Identifier':'hello','Type':'MessageParticipant','Parameters':"
	"{'Text':'Welcome to a long greeting','SkipWhenDTMFBufferEnabled':"
	"'True'},'Transitions':{'NextAction':'menu'," ERR("bye") "}},"
	"{'Identifier':'menu','Type':'GetParticipantInput','Parameters':"
	"{'Text':'Press 1 or 2','InputTimeLimitSeconds':'5'},"
	"'Transitions':{'NextAction':'bye','Conditions':["
	"{'NextAction':'pin','Condition':{'Operator':'Equals',"
	"'Operands':['1']}}],'Errors':["
	"{'ErrorType':'InputTimeLimitExceeded','NextAction':'bye'},"
	"{'ErrorType':'NoMatchingCondition','NextAction':'bye'},"
	"{'ErrorType':'NoMatchingError','NextAction':'bye'}]}},"
	"{'Identifier':'pin','Type':'GetParticipantInput','Parameters':"
	"{'Text':'Your PIN','StoreInput':'True','InputTimeLimitSeconds':'5',"
	"'DTMFConfiguration':{'InputTerminationSequence':'#'}},"
	"'Transitions':{'NextAction':'stop'," ERR("bye") "}},"
	"{'Identifier':'stop','Type':'GetParticipantInput','Parameters':"
	"{'EnableDTMFBuffer':'false'},"
	"'Transitions':{'NextAction':'bye'," ERR("bye") "}},"
	"{'Identifier':'bye','Type':'DisconnectParticipant','Parameters':{},"
	"'Transitions':{}}]}";


static int start_deferred(struct fake_run *fr, struct fake_ops *f,
			  const char *flow)
{
	char *json = dq(flow);
	int err;

	fake_ops_init(f);
	f->defer = true;
	err = fake_run_start(fr, f, json);
	free(json);
	return err;
}


TEST(keys_outside_input_are_lost_without_the_buffer)
{
	struct fake_ops f;
	struct fake_run fr;
	char *json = dq(
		"{'Version':'2019-10-30','StartAction':'hello','Actions':["
		"{'Identifier':'hello','Type':'MessageParticipant',"
		"'Parameters':{'Text':'Hi','SkipWhenDTMFBufferEnabled':'True'},"
		"'Transitions':{'NextAction':'bye'}},"
		"{'Identifier':'bye','Type':'DisconnectParticipant',"
		"'Parameters':{},'Transitions':{}}]}");

	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json), 0);
	free(json);
	/* the prompt plays; a key is not the engine's: the port drops it */
	ASSERT_FALSE(frun_key(fr.run, '5'));
	ASSERT_INT_EQ(fr.cd->dtmf.n, 0);
	frun_done(fr.run, 0);
	ASSERT_TRUE(fr.ended);
	fake_run_close(&fr);
}


TEST(typed_ahead_keys_interrupt_and_serve_the_inputs)
{
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_INT_EQ(start_deferred(&fr, &f, typeahead), 0);
	/* buffer on, the greeting plays */
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT Welcome to a long "
				  "greeting"));
	ASSERT_TRUE(fr.cd->dtmf.on);

	/* "1" interrupts it and serves the menu; "42#" wait for the PIN */
	ASSERT_TRUE(frun_key(fr.run, '1'));
	ASSERT_TRUE(fake_has_line(f.log, "stop"));
	ASSERT_TRUE(fake_has_line(fr.trace, "menu 1"));
	ASSERT_NULL(strstr(f.log, "collect TEXT Press 1 or 2"));

	/* the PIN entry started collecting with nothing typed ahead */
	ASSERT_TRUE(fake_has_line(f.log, "collect TEXT Your PIN"));
	/* keys during a collect are the port's (its collector) */
	ASSERT_FALSE(frun_key(fr.run, '4'));
	frun_input(fr.run, FCOLLECT_OK, "42");
	ASSERT_STR_EQ(fr.cd->stored_input, "42");
	ASSERT_TRUE(fr.ended);
	fake_run_close(&fr);
}


TEST(keys_waiting_skip_the_prompt)
{
	struct fake_ops f;
	struct fake_run fr;
	char *json;

	/* on -> wait -> hello (skippable) -> menu: '1' pressed during the
	 * wait skips the greeting and answers the menu */
	json = dq("{'Version':'2019-10-30','StartAction':'on','Actions':["
		  "{'Identifier':'on','Type':'GetParticipantInput',"
		  "'Parameters':{'EnableDTMFBuffer':'True'},"
		  "'Transitions':{'NextAction':'wait'}},"
		  "{'Identifier':'wait','Type':'Wait','Parameters':"
		  "{'TimeoutSeconds':'60'},'Transitions':"
		  "{'NextAction':'hello','Errors':[{'ErrorType':"
		  "'NoMatchingError','NextAction':'hello'}]}},"
		  "{'Identifier':'hello','Type':'MessageParticipant',"
		  "'Parameters':{'Text':'Long greeting',"
		  "'SkipWhenDTMFBufferEnabled':'True'},"
		  "'Transitions':{'NextAction':'menu'}},"
		  "{'Identifier':'menu','Type':'GetParticipantInput',"
		  "'Parameters':{'Text':'Press 1','InputTimeLimitSeconds':'5'},"
		  "'Transitions':{'NextAction':'bye','Conditions':["
		  "{'NextAction':'bye','Condition':{'Operator':'Equals',"
		  "'Operands':['1']}}],'Errors':[{'ErrorType':"
		  "'NoMatchingCondition','NextAction':'bye'},{'ErrorType':"
		  "'InputTimeLimitExceeded','NextAction':'bye'},{'ErrorType':"
		  "'NoMatchingError','NextAction':'bye'}]}},"
		  "{'Identifier':'bye','Type':'DisconnectParticipant',"
		  "'Parameters':{},'Transitions':{}}]}");
	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json), 0);
	free(json);
	ASSERT_TRUE(frun_key(fr.run, '1'));
	/* a Wait is not interrupted by a key */
	ASSERT_NULL(strstr(f.log, "stop"));
	frun_done_value(fr.run, "WaitCompleted");

	ASSERT_NULL(strstr(f.log, "Long greeting"));
	ASSERT_TRUE(strstr(fr.trace, "hello NextAction\n") != NULL);
	ASSERT_TRUE(fake_has_line(fr.trace, "menu 1"));
	ASSERT_NULL(strstr(f.log, "collect"));
	ASSERT_TRUE(fr.ended);
	fake_run_close(&fr);
}


TEST(buffer_holds_thirty_keys_and_stop_can_store_them)
{
	struct fake_ops f;
	struct fake_run fr;
	char *json;
	size_t i;

	json = dq("{'Version':'2019-10-30','StartAction':'on','Actions':["
		  "{'Identifier':'on','Type':'GetParticipantInput',"
		  "'Parameters':{'EnableDTMFBuffer':'True'},"
		  "'Transitions':{'NextAction':'wait'}},"
		  "{'Identifier':'wait','Type':'Wait','Parameters':"
		  "{'TimeoutSeconds':'60'},'Transitions':"
		  "{'NextAction':'stop','Errors':[{'ErrorType':"
		  "'NoMatchingError','NextAction':'stop'}]}},"
		  "{'Identifier':'stop','Type':'GetParticipantInput',"
		  "'Parameters':{'EnableDTMFBuffer':'False',"
		  "'StoreInput':'True'},'Transitions':{'NextAction':'bye'}},"
		  "{'Identifier':'bye','Type':'DisconnectParticipant',"
		  "'Parameters':{},'Transitions':{}}]}");
	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json), 0);
	free(json);

	for (i = 0; i < 35; i++)
		ASSERT_TRUE(frun_key(fr.run, (char)('0' + i % 10)));
	ASSERT_INT_EQ(fr.cd->dtmf.n, 30);

	frun_done_value(fr.run, "WaitCompleted");
	ASSERT_TRUE(fr.ended);
	ASSERT_FALSE(fr.cd->dtmf.on);
	ASSERT_INT_EQ(fr.cd->dtmf.n, 0);
	ASSERT_STR_EQ(fr.cd->stored_input,
		      "012345678901234567890123456789");
	/* stored input is never shown */
	ASSERT_TRUE(fake_has_line(fr.trace, "  input: - (stored)"));
	/* the buffer is off: keys are the port's again */
	ASSERT_FALSE(frun_key(fr.run, '1'));
	fake_run_close(&fr);
}


TEST(prefill_continues_a_typed_ahead_entry)
{
	struct fake_ops f;
	struct fake_run fr;
	char *json;

	/* the buffer holds "12": the PIN entry needs a '#': the port
	 * collects the rest after the two keys */
	json = dq("{'Version':'2019-10-30','StartAction':'on','Actions':["
		  "{'Identifier':'on','Type':'GetParticipantInput',"
		  "'Parameters':{'EnableDTMFBuffer':'True'},"
		  "'Transitions':{'NextAction':'wait'}},"
		  "{'Identifier':'wait','Type':'Wait','Parameters':"
		  "{'TimeoutSeconds':'60'},'Transitions':"
		  "{'NextAction':'pin','Errors':[{'ErrorType':"
		  "'NoMatchingError','NextAction':'pin'}]}},"
		  "{'Identifier':'pin','Type':'GetParticipantInput',"
		  "'Parameters':{'Text':'PIN','StoreInput':'True',"
		  "'InputTimeLimitSeconds':'5'},"
		  "'Transitions':{'NextAction':'bye','Errors':[{'ErrorType':"
		  "'NoMatchingError','NextAction':'bye'}]}},"
		  "{'Identifier':'bye','Type':'DisconnectParticipant',"
		  "'Parameters':{},'Transitions':{}}]}");
	fake_ops_init(&f);
	f.keys = "3#";		/* what the caller presses during the collect */
	ASSERT_INT_EQ(fake_run_load(&fr, &f, json), 0);
	free(json);
	f.defer = true;
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_TRUE(frun_key(fr.run, '1'));
	ASSERT_TRUE(frun_key(fr.run, '2'));
	f.defer = false;
	frun_done_value(fr.run, "WaitCompleted");

	/* no prompt (the caller is typing), the collector started with
	 * "12", then "3#" */
	ASSERT_TRUE(fake_has_line(f.log, "collect NONE -"));
	ASSERT_STR_EQ(fr.cd->stored_input, "123");
	ASSERT_TRUE(fr.ended);
	fake_run_close(&fr);
}


TEST(collector_takes_prefill_first)
{
	struct fcollect spec;
	struct collector c;

	memset(&spec, 0, sizeof(spec));
	spec.store = true;
	spec.prefill = "98";
	collector_init(&c, &spec);
	ASSERT_INT_EQ(c.state, COLLECT_DIGITS);
	ASSERT_INT_EQ(collector_key(&c, '7'), COLLECT_DIGITS);
	ASSERT_INT_EQ(collector_key(&c, '#'), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "987");
	ASSERT_NULL(c.spec.prefill);
}
