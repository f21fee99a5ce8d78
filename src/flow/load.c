/**
 * @file load.c  Loading a Connect flow document into a compiled flow:
 * wrappers, structure checks, transitions resolved to indices, conditions
 * and parameters compiled.
 *
 * Errors that break the graph (bad JSON, version, StartAction, duplicate
 * or missing targets, unknown action types, bad conditions) leave no flow;
 * errors that leave a runnable graph (a parameter of the wrong shape, an
 * action out of place, an over-long Identifier) keep the flow.
 */
#include <string.h>
#include <strings.h>
#include <stdarg.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include "actions.h"
#include "flowdoc.h"

#define FLOW_VERSION "2019-10-30"
#define FLOW_MAX_FILE_BYTES (10u * 1024 * 1024)


/* -- the flow object -- */

static void flow_destructor(void *arg)
{
	struct flow *flow = arg;
	size_t i, k;

	for (i = 0; i < flow->actc; i++) {
		struct flow_action *a = &flow->actv[i];

		mem_deref(a->id);
		mem_deref(a->type_name);
		fparam_reset(&a->params);

		for (k = 0; k < a->errc; k++)
			mem_deref(a->errv[k].error_type);
		mem_deref(a->errv);

		for (k = 0; k < a->condc; k++)
			mem_deref(a->condv[k].cond);
		mem_deref(a->condv);
	}

	mem_deref(flow->actv);
	mem_deref(flow->name);
	mem_deref(flow->id);
	mem_deref(flow->arn);
	mem_deref(flow->description);
	mem_deref(flow->path);
	mem_deref(flow->findings);
}


const struct flow_action *flow_action_find(const struct flow *flow,
					   const char *id)
{
	size_t i;

	if (!flow || !id)
		return NULL;

	for (i = 0; i < flow->actc; i++) {
		if (!strcmp(flow->actv[i].id, id))
			return &flow->actv[i];
	}

	return NULL;
}


const struct flow_error_tr *flow_action_error(const struct flow_action *a,
					      const char *error_type)
{
	const struct flow_error_tr *nme = NULL;
	size_t i;

	if (!a)
		return NULL;

	for (i = 0; i < a->errc; i++) {
		const struct flow_error_tr *e = &a->errv[i];

		if (error_type && !strcmp(e->error_type, error_type))
			return e;
		if (!nme && !strcmp(e->error_type, "NoMatchingError"))
			nme = e;
	}

	return nme;
}


/* -- loading -- */

struct lctx {
	struct flow *flow;
	struct findings *f;
	bool fatal;		/* the graph is broken: no flow */
	bool type_declared;
	struct flowdoc_meta meta; /* Metadata type seen by the scanner */
};


static void lerr(struct lctx *c, bool fatal, const char *id,
		 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void lerr(struct lctx *c, bool fatal, const char *id,
		 const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	(void)findings_add(c->f, FINDING_ERROR, id, "%s", buf);
	if (fatal)
		c->fatal = true;
}


static int dup_json_str(char **dst, const json_t *j)
{
	if (!json_is_string(j))
		return 0;

	return str_dup(dst, json_string_value(j));
}


static int find_index(const struct flow *flow, size_t n, const char *id,
		      uint16_t *idxp)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (flow->actv[i].id && !strcmp(flow->actv[i].id, id)) {
			*idxp = (uint16_t)i;
			return 0;
		}
	}

	return ENOENT;
}


/* Resolve a NextAction value; what says where it was written. */
static uint16_t target(struct lctx *c, const struct flow_action *a,
		       const json_t *jnext, const char *what)
{
	uint16_t idx;

	if (!jnext)
		return FLOW_NONE;

	if (!json_is_string(jnext)) {
		lerr(c, true, a->id, "%s must be a string", what);
		return FLOW_NONE;
	}

	if (find_index(c->flow, c->flow->actc, json_string_value(jnext),
		       &idx)) {
		lerr(c, true, a->id, "%s \"%s\" names no action", what,
		     json_string_value(jnext));
		return FLOW_NONE;
	}

	return idx;
}


static int compile_errors(struct lctx *c, struct flow_action *a,
			  const json_t *jerrs)
{
	size_t i, n;
	char what[96];

	if (!jerrs)
		return 0;

	if (!json_is_array(jerrs)) {
		lerr(c, true, a->id, "Transitions.Errors must be a list");
		return 0;
	}

	n = json_array_size(jerrs);
	if (!n)
		return 0;

	a->errv = mem_zalloc(n * sizeof(*a->errv), NULL);
	if (!a->errv)
		return ENOMEM;

	for (i = 0; i < n; i++) {
		const json_t *je = json_array_get(jerrs, i);
		const json_t *jt = json_object_get(je, "ErrorType");
		struct flow_error_tr *e = &a->errv[a->errc];
		int err;

		if (!json_is_object(je) || !json_is_string(jt)) {
			lerr(c, true, a->id,
			     "Errors[%zu] needs an ErrorType string", i);
			continue;
		}

		err = str_dup(&e->error_type, json_string_value(jt));
		if (err)
			return err;
		++a->errc;

		snprintf(what, sizeof(what), "Errors[%zu] (%s) NextAction", i,
			 json_string_value(jt));
		e->next = target(c, a, json_object_get(je, "NextAction"),
				 what);
	}

	return 0;
}


static int compile_conds(struct lctx *c, struct flow_action *a,
			 const json_t *jconds)
{
	size_t i, n;
	char what[64];

	if (!jconds)
		return 0;

	if (!json_is_array(jconds)) {
		lerr(c, true, a->id, "Transitions.Conditions must be a list");
		return 0;
	}

	n = json_array_size(jconds);
	if (!n)
		return 0;

	a->condv = mem_zalloc(n * sizeof(*a->condv), NULL);
	if (!a->condv)
		return ENOMEM;

	for (i = 0; i < n; i++) {
		const json_t *jc = json_array_get(jconds, i);
		struct flow_cond_tr *ct = &a->condv[a->condc];
		const json_t *jcond;
		char ebuf[160] = "";
		int err;

		jcond = json_object_get(jc, "Condition");
		if (!json_is_object(jc) || !jcond) {
			lerr(c, true, a->id,
			     "Conditions[%zu] has no Condition", i);
			continue;
		}

		err = fcond_compile(&ct->cond, jcond, 1, ebuf, sizeof(ebuf));
		if (err == ENOMEM)
			return err;
		if (err) {
			lerr(c, true, a->id, "Conditions[%zu]: %s", i, ebuf);
			continue;
		}
		++a->condc;

		snprintf(what, sizeof(what), "Conditions[%zu] NextAction", i);
		ct->next = target(c, a, json_object_get(jc, "NextAction"),
				  what);
	}

	return 0;
}


static int compile_action(struct lctx *c, struct flow_action *a,
			  const json_t *ja)
{
	const json_t *jp, *jt;
	json_t *empty = NULL;
	int err;

	jp = json_object_get(ja, "Parameters");
	if (jp && !json_is_object(jp) && !json_is_null(jp)) {
		lerr(c, false, a->id, "Parameters must be an object");
		jp = NULL;
	}
	if (!jp || json_is_null(jp)) {
		empty = json_object();
		if (!empty)
			return ENOMEM;
		jp = empty;
	}

	err = fparam_compile(&a->params, jp);
	json_decref(empty);
	if (err)
		return err;

	jt = json_object_get(ja, "Transitions");
	if (jt && !json_is_object(jt) && !json_is_null(jt)) {
		lerr(c, true, a->id, "Transitions must be an object");
		return 0;
	}

	a->next = target(c, a, json_object_get(jt, "NextAction"),
			 "NextAction");

	err = compile_errors(c, a, json_object_get(jt, "Errors"));
	if (err)
		return err;

	err = compile_conds(c, a, json_object_get(jt, "Conditions"));
	if (err)
		return err;

	a->terminal = a->next == FLOW_NONE && !a->errc && !a->condc;
	return 0;
}


/* First pass: identifiers and types, so that targets can resolve. */
static int declare_action(struct lctx *c, size_t i, const json_t *ja)
{
	struct flow_action *a = &c->flow->actv[i];
	const json_t *jid, *jtype;
	uint16_t idx;
	size_t len;
	int err;

	a->index = (uint16_t)i;
	a->next = FLOW_NONE;

	if (!json_is_object(ja)) {
		lerr(c, true, NULL, "Actions[%zu] must be an object", i);
		return 0;
	}

	jid = json_object_get(ja, "Identifier");
	if (!json_is_string(jid) || !json_string_length(jid)) {
		lerr(c, true, NULL, "Actions[%zu] has no Identifier", i);
		return 0;
	}

	if (!find_index(c->flow, i, json_string_value(jid), &idx)) {
		lerr(c, true, json_string_value(jid),
		     "duplicate Identifier \"%s\" (Actions[%u] and "
		     "Actions[%zu])", json_string_value(jid), idx, i);
		return 0;
	}

	err = str_dup(&a->id, json_string_value(jid));
	if (err)
		return err;

	len = json_string_length(jid);
	if (len > FLOW_MAX_ID_LEN)
		lerr(c, false, a->id, "Identifier longer than %d characters "
		     "(%zu)", FLOW_MAX_ID_LEN, len);

	jtype = json_object_get(ja, "Type");
	if (!json_is_string(jtype)) {
		lerr(c, true, a->id, "action has no Type");
		return 0;
	}

	err = str_dup(&a->type_name, json_string_value(jtype));
	if (err)
		return err;

	a->type = action_type_parse(a->type_name);
	if (a->type == ACT_UNKNOWN)
		lerr(c, true, a->id, "unknown action Type \"%s\"",
		     a->type_name);

	return 0;
}


static void check_action(struct lctx *c, const struct flow_action *a)
{
	const struct action_def *def = action_def_get(a->type);

	if (!def)
		return;

	if (!action_allowed(def, c->flow->type)) {
		if (c->type_declared)
			lerr(c, false, a->id, "%s is not allowed in a %s flow",
			     def->name, flow_type_name(c->flow->type));
		else
			(void)findings_add(c->f, FINDING_WARNING, a->id,
					   "%s is not allowed in a %s flow "
					   "(flow type not declared, assumed "
					   "%s)", def->name,
					   flow_type_name(c->flow->type),
					   flow_type_name(c->flow->type));
	}

	if (def->check)
		def->check(a, c->f);
}


static bool is_modules_format(const json_t *j)
{
	return json_is_object(j) && json_is_array(json_object_get(j,
								  "modules"));
}


/* Settings with InputParameters, OutputParameters or Transitions is the
 * interface only flow modules export. */
static bool is_module_doc(const json_t *doc)
{
	const json_t *st = json_object_get(doc, "Settings");

	return json_is_object(st) &&
		(json_object_get(st, "InputParameters") ||
		 json_object_get(st, "OutputParameters") ||
		 json_object_get(st, "Transitions"));
}


static void set_type(struct lctx *c, const json_t *wrapper,
		     const json_t *doc, const struct flow_load_opts *opts)
{
	const json_t *jt = json_object_get(wrapper, "Type");
	const json_t *meta = json_object_get(doc, "Metadata");
	static const char *mkeys[] = {"type", "flowType"};
	enum flow_type t;
	size_t i;

	if (json_is_string(jt)) {
		if (!flow_type_parse(&t, json_string_value(jt))) {
			c->flow->type = t;
			c->type_declared = true;
			return;
		}
		(void)findings_add(c->f, FINDING_WARNING, NULL,
				   "unknown flow Type \"%s\" ignored",
				   json_string_value(jt));
	}

	if (opts && opts->has_type) {
		c->flow->type = opts->type;
		c->type_declared = true;
		return;
	}

	if (c->meta.has_type) {
		c->flow->type = c->meta.type;
		c->type_declared = true;
		return;
	}

	for (i = 0; i < ARRAY_SIZE(mkeys); i++) {
		const json_t *jm = json_object_get(meta, mkeys[i]);

		if (json_is_string(jm) &&
		    !flow_type_parse(&t, json_string_value(jm))) {
			c->flow->type = t;
			c->type_declared = true;
			return;
		}
	}

	/* a module's interface (inputs, outputs, branches): a module */
	if (is_module_doc(doc)) {
		c->flow->type = FLOW_MODULE;
		c->type_declared = true;
		return;
	}

	c->flow->type = FLOW_CONTACT_FLOW;
}


static int set_idents(struct lctx *c, const json_t *w,
		      const struct flow_load_opts *opts)
{
	struct flow *flow = c->flow;
	int err = 0;

	err |= dup_json_str(&flow->name, json_object_get(w, "Name"));
	if (!flow->name && opts && opts->name)
		err |= str_dup(&flow->name, opts->name);
	if (!flow->name)
		err |= str_dup(&flow->name, "unnamed");

	err |= dup_json_str(&flow->arn, json_object_get(w, "Arn"));
	err |= dup_json_str(&flow->id, json_object_get(w, "Id"));
	if (!flow->id && flow->arn) {
		const char *slash = strrchr(flow->arn, '/');

		if (slash && slash[1])
			err |= str_dup(&flow->id, slash + 1);
	}

	err |= dup_json_str(&flow->description,
			    json_object_get(w, "Description"));
	if (opts && opts->path)
		err |= str_dup(&flow->path, opts->path);

	return err ? ENOMEM : 0;
}


/* The flow document inside its wrapper, if any: *docp is referenced. */
static int unwrap(struct lctx *c, json_t *root, json_t **docp,
		  const json_t **wrapperp)
{
	const json_t *w = NULL, *jc;
	json_error_t jerr;
	json_t *doc;

	if (json_is_object(json_object_get(root, "ContactFlow")))
		w = json_object_get(root, "ContactFlow");
	else if (json_object_get(root, "Content") &&
		 !json_object_get(root, "Actions"))
		w = root;

	*wrapperp = w;

	if (!w) {
		*docp = json_incref(root);
		return 0;
	}

	jc = json_object_get(w, "Content");
	if (json_is_string(jc)) {
		doc = flowdoc_parse(json_string_value(jc),
				json_string_length(jc), &jerr,
				&c->meta);
		if (!doc) {
			lerr(c, true, NULL, "Content: line %d column %d: %s",
			     jerr.line, jerr.column, jerr.text);
			return EBADMSG;
		}
	}
	else if (json_is_object(jc)) {
		doc = json_incref((json_t *)jc);
	}
	else {
		lerr(c, true, NULL, "Content must be the flow as a JSON "
		     "string or object");
		return EBADMSG;
	}

	*docp = doc;
	return 0;
}


static void modules_error(struct lctx *c)
{
	lerr(c, true, NULL, "this is the pre-2019 Connect designer format "
	     "({\"modules\": [...]}), not the Flow Language \"Version\": "
	     "\"" FLOW_VERSION "\": re-export the flow from Amazon Connect");
}


static int load_doc(struct lctx *c, const json_t *doc)
{
	const json_t *jv, *jstart, *jacts;
	struct flow *flow = c->flow;
	size_t i, n;
	int err;

	if (!json_is_object(doc)) {
		lerr(c, true, NULL, "not a flow: the document is not a JSON "
		     "object");
		return 0;
	}

	if (is_modules_format(doc)) {
		modules_error(c);
		return 0;
	}

	jv = json_object_get(doc, "Version");
	if (!jv)
		lerr(c, true, NULL, "missing Version (expected \""
		     FLOW_VERSION "\")");
	else if (!json_is_string(jv) ||
		 strcmp(json_string_value(jv), FLOW_VERSION))
		lerr(c, true, NULL, "unknown Version %s (expected \""
		     FLOW_VERSION "\")", json_is_string(jv) ?
		     json_string_value(jv) : "(not a string)");

	jacts = json_object_get(doc, "Actions");
	if (!json_is_array(jacts)) {
		lerr(c, true, NULL, "missing Actions list");
		return 0;
	}

	n = json_array_size(jacts);
	if (n > FLOW_MAX_ACTIONS) {
		lerr(c, true, NULL, "too many actions: %zu (at most %d)", n,
		     FLOW_MAX_ACTIONS);
		return 0;
	}
	if (!n) {
		lerr(c, true, NULL, "the flow has no actions");
		return 0;
	}

	flow->actv = mem_zalloc(n * sizeof(*flow->actv), NULL);
	if (!flow->actv)
		return ENOMEM;
	flow->actc = n;

	for (i = 0; i < n; i++) {
		err = declare_action(c, i, json_array_get(jacts, i));
		if (err)
			return err;
	}

	jstart = json_object_get(doc, "StartAction");
	flow->start = FLOW_NONE;
	if (!json_is_string(jstart))
		lerr(c, true, NULL, "missing StartAction");
	else if (find_index(flow, n, json_string_value(jstart),
			    &flow->start))
		lerr(c, true, NULL, "StartAction \"%s\" names no action",
		     json_string_value(jstart));

	for (i = 0; i < n; i++) {
		if (!flow->actv[i].id)
			continue;
		err = compile_action(c, &flow->actv[i],
				     json_array_get(jacts, i));
		if (err)
			return err;
	}

	if (c->fatal)
		return 0;

	for (i = 0; i < n; i++)
		check_action(c, &flow->actv[i]);

	flow_validate_graph(flow, c->f);

	return 0;
}


int flow_load_buf(struct flow **flowp, struct findings *findings,
		  const char *text, size_t len,
		  const struct flow_load_opts *opts)
{
	struct lctx c;
	const json_t *w = NULL;
	json_t *root = NULL, *doc = NULL;
	json_error_t jerr;
	size_t nerrors;
	int err = 0;

	if (!flowp || (!text && len))
		return EINVAL;

	memset(&c, 0, sizeof(c));
	*flowp = NULL;

	if (findings)
		c.f = mem_ref(findings);
	else {
		err = findings_alloc(&c.f);
		if (err)
			return err;
	}
	nerrors = c.f->nerrors;

	c.flow = mem_zalloc(sizeof(*c.flow), flow_destructor);
	if (!c.flow) {
		err = ENOMEM;
		goto out;
	}
	c.flow->findings = mem_ref(c.f);
	c.flow->start = FLOW_NONE;
	c.flow->digest = flowdoc_digest(text, len);
	c.flow->loaded_ms = util_now_ms();

	root = flowdoc_parse(text ? text : "", len, &jerr, &c.meta);
	if (!root) {
		lerr(&c, true, NULL, "invalid JSON: line %d column %d: %s",
		     jerr.line, jerr.column, jerr.text);
		goto out;
	}

	if (!json_is_object(root)) {
		lerr(&c, true, NULL, "not a flow: the document is not a JSON "
		     "object");
		goto out;
	}

	if (is_modules_format(root)) {
		modules_error(&c);
		goto out;
	}

	if (unwrap(&c, root, &doc, &w))
		goto out;

	err = set_idents(&c, w, opts);
	if (err)
		goto out;

	set_type(&c, w, doc, opts);

	err = load_doc(&c, doc);

 out:
	json_decref(doc);
	json_decref(root);

	if (!err && c.fatal)
		err = EBADMSG;

	if (err == EBADMSG || err == 0) {
		if (!c.fatal)
			*flowp = mem_ref(c.flow);
		if (c.f->nerrors > nerrors)
			err = EBADMSG;
	}

	mem_deref(c.flow);
	mem_deref(c.f);
	return err;
}


int flow_load_file(struct flow **flowp, struct findings *findings,
		   const char *path, const struct flow_load_opts *opts)
{
	struct flow_load_opts o;
	struct findings *f = NULL;
	char *buf = NULL, *name = NULL;
	const char *base;
	size_t len = 0, blen;
	int err;

	if (!flowp || !path)
		return EINVAL;

	*flowp = NULL;

	if (findings)
		f = mem_ref(findings);
	else {
		err = findings_alloc(&f);
		if (err)
			return err;
	}

	memset(&o, 0, sizeof(o));
	if (opts)
		o = *opts;
	if (!o.path)
		o.path = path;

	if (!o.name) {
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		blen = strlen(base);
		if (blen > 5 && !strcasecmp(base + blen - 5, ".json"))
			blen -= 5;
		err = re_sdprintf(&name, "%b", base, blen);
		if (err)
			goto out;
		o.name = name;
	}

	err = util_read_file(&buf, &len, path, FLOW_MAX_FILE_BYTES);
	if (err) {
		if (err == EFBIG)
			(void)findings_add(f, FINDING_ERROR, NULL,
					   "file larger than %u bytes",
					   FLOW_MAX_FILE_BYTES);
		else
			(void)findings_add(f, FINDING_ERROR, NULL,
					   "cannot read file: %s",
					   strerror(err));
		err = EBADMSG;
		goto out;
	}

	err = flow_load_buf(flowp, f, buf, len, &o);

 out:
	mem_deref(buf);
	mem_deref(name);
	mem_deref(f);
	return err;
}
