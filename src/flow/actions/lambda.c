/* stub: being written */
#include <errno.h>
#include "../actions.h"

int act_invoke_lambda(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}
int lambda_event_build(char **jsonp, struct frun *run,
		       const struct flow_action *a)
{
	(void)jsonp; (void)run; (void)a;
	return ENOSYS;
}

int lambda_reply_apply(struct frun *run, const char *body, size_t len,
		       bool json_mode)
{
	(void)run; (void)body; (void)len; (void)json_mode;
	return ENOSYS;
}

int act_lambda_result(struct frun *run, const struct flow_action *act,
		      int err, uint16_t status, const char *body, size_t len)
{
	(void)run; (void)act; (void)err; (void)status; (void)body; (void)len;
	return ENOSYS;
}
