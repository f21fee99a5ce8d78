/**
 * @file keys.c  Keys the caller presses outside an input block: the
 * touchtone (type-ahead) buffer of Set touchtone buffer behavior.
 *
 * The port's owner hands every key to frun_key(). While the buffer is on
 * a key is kept (up to 30; more are ignored until keys are used) for the
 * next Get / Store customer input, and it interrupts a Play prompt marked
 * SkipWhenDTMFBufferEnabled. A collect in progress keeps taking its keys
 * itself; with the buffer off, keys outside an input block stay lost, as
 * in Connect.
 */
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include "actions.h"
#include "interp_priv.h"


bool act_prompt_skippable(struct frun *run, const struct flow_action *act)
{
	return act->type == ACT_MESSAGE_PARTICIPANT &&
		aparam_bool(run, fparam_get(&act->params,
					    "SkipWhenDTMFBufferEnabled"),
			    false);
}


bool frun_key(struct frun *run, char key)
{
	const struct flow_action *act = NULL;

	if (!run || run->state == RS_ENDED || !run->cd || !run->cd->dtmf.on)
		return false;

	/* the action waiting on its port, or one whose port is pressing
	 * keys from inside the op call (the simulator) */
	if ((run->state == RS_WAITING ||
	     (run->state == RS_RUNNING && run->out == OUT_NONE)) &&
	    run->cur < run->flow->actc)
		act = &run->flow->actv[run->cur];

	/* Get / Store customer input collect their own keys */
	if (act && act->type == ACT_GET_PARTICIPANT_INPUT)
		return false;

	/* a full buffer ignores the key: taken all the same */
	if (!cdata_dtmf_push(run->cd, key))
		return true;

	if (act && act_prompt_skippable(run, act)) {
		if (run->env.ops && run->env.ops->stop)
			run->env.ops->stop(run, run->env.ops_arg);
		frun_note(run, "interrupted by a key (touchtone buffer)");
		frun_done(run, 0);
	}

	return true;
}
