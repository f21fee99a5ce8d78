/**
 * @file transfer.c  Actions that hand the call on or end it:
 * DisconnectParticipant, TransferParticipantToThirdParty,
 * CompleteOutboundCall.
 *
 * Third-party transfer signalling: the port (transfer_phone) finishes with
 * frun_done_error(run, "CallFailed" | "ConnectionTimeLimitExceeded") when
 * the third party is not reached, and with frun_done(run, 0)
 *  - when ContinueFlowExecution: once the third party has hung up;
 *  - otherwise: as soon as the third party answered (the call stays
 *    bridged), which act_transfer_answered() turns into the end of the
 *    run (FEND_TRANSFER_PHONE).
 * Strings in struct ftransfer are only valid during the op call.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include "../actions.h"

enum {
	CONNECT_TIMEOUT_DEF_S = 30,
	CONNECT_TIMEOUT_MAX_S = 600,
	E164_SZ               = 24,
	DTMF_MAX              = 50,
};






int act_disconnect(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	int err;

	(void)act;

	/* terminal either way: the contact's owner hangs up on FEND */
	if (env->ops && env->ops->disconnect) {
		err = env->ops->disconnect(run, env->ops_arg);
		if (err)
			action_warn(run, act, "disconnect: %s", strerror(err));
	}

	frun_end(run, FEND_DISCONNECT, NULL, NULL);
	return 0;
}


/* The third party's number, E.164 in out; EINVAL when not a number. */
static int transfer_number(struct frun *run, const struct flow_action *act,
			   char *out, size_t sz)
{
	char *num = NULL;
	int err;

	err = aparam_dup_opt(run, fparam_get(&act->params,
					"ThirdPartyPhoneNumber"), &num);
	if (err)
		return err;

	/* E.164 only, as Connect: "4155550123" is not guessed to be +1 */
	if (!num || aparam_e164(out, sz, num))
		err = EINVAL;

	mem_deref(num);
	return err;
}


static bool dtmf_valid(const char *s)
{
	return strspn(s, "0123456789,*#") == strlen(s);
}


int act_transfer_third_party(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct fparam *prm = &act->params, *cid;
	struct ftransfer t = { .continue_flow = true };
	char number[E164_SZ], cid_num[E164_SZ];
	char *dtmf = NULL, *cid_raw = NULL, *cid_name = NULL;
	int err;

	if (transfer_number(run, act, number, sizeof(number))) {
		action_warn(run, act, "ThirdPartyPhoneNumber is not an E.164 "
			    "phone number (+ and the country code)");
		frun_done_error(run, "CallFailed");
		return 0;
	}
	t.number = number;

	err = aparam_uint(run,
			  fparam_get2(prm,
				      "ThirdPartyConnectionTimeLimitSeconds",
				      "ThirdPartyConnectionTimeoutSeconds"),
			  CONNECT_TIMEOUT_DEF_S, CONNECT_TIMEOUT_MAX_S,
			  &t.timeout_s);
	if (err) {
		action_warn(run, act,
		     "ThirdPartyConnectionTimeLimitSeconds: not 0-%u",
		     CONNECT_TIMEOUT_MAX_S);
		goto out;
	}

	t.continue_flow = aparam_bool(run,
				      fparam_get(prm, "ContinueFlowExecution"),
				      true);

	err = aparam_dup_opt(run, fparam_get(prm, "ThirdPartyDTMFDigits"), &dtmf);
	if (err)
		goto out;
	if (dtmf && dtmf[0]) {
		if (strlen(dtmf) > DTMF_MAX || !dtmf_valid(dtmf)) {
			action_warn(run, act, "ThirdPartyDTMFDigits: only 0-9 , * #");
			err = EINVAL;
			goto out;
		}
		t.dtmf = dtmf;
	}

	cid = fparam_get(prm, "CallerId");
	err  = aparam_dup_opt(run, fparam_get(cid, "Number"), &cid_raw);
	err |= aparam_dup_opt(run, fparam_get(cid, "Name"), &cid_name);
	if (err) {
		err = ENOMEM;
		goto out;
	}
	if (cid_raw && cid_raw[0]) {
		if (aparam_e164(cid_num, sizeof(cid_num), cid_raw)) {
			action_warn(run, act,
			     "CallerId Number is not a phone number");
			frun_done_error(run, "CallFailed");
			goto out;
		}
		t.caller_id_number = cid_num;
	}
	if (cid_name && cid_name[0])
		t.caller_id_name = cid_name;

	if (!env->ops || !env->ops->transfer_phone) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	err = env->ops->transfer_phone(run, &t, env->ops_arg);

 out:
	mem_deref(dtmf);
	mem_deref(cid_raw);
	mem_deref(cid_name);
	return err;
}


bool act_transfer_answered(struct frun *run, const struct flow_action *act)
{
	char number[E164_SZ];

	if (aparam_bool(run, fparam_get(&act->params, "ContinueFlowExecution"),
			true))
		return false;

	/* answered and bridged: this flow is done with the contact */
	if (transfer_number(run, act, number, sizeof(number)))
		number[0] = '\0';

	frun_end(run, FEND_TRANSFER_PHONE, NULL, number[0] ? number : NULL);
	return true;
}


int act_complete_outbound(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	char *raw = NULL;
	char num[E164_SZ];
	const char *caller_id = NULL;
	int err;

	err = aparam_dup_opt(run, fparam_get(fparam_get(&act->params, "CallerId"),
					"Number"), &raw);
	if (err)
		return err;

	if (raw && raw[0]) {
		if (aparam_e164(num, sizeof(num), raw)) {
			action_warn(run, act,
			     "CallerId Number is not a phone number");
			frun_done_error(run, "NoMatchingError");
			goto out;
		}
		caller_id = num;
	}

	if (!env->ops || !env->ops->complete_outbound) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* synchronous: 0 once the outbound leg is on its way */
	err = env->ops->complete_outbound(run, caller_id, env->ops_arg);
	frun_done(run, err);
	err = 0;

 out:
	mem_deref(raw);
	return err;
}
