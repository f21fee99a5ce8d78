/**
 * @file cond.c  Transition conditions: operators, compiling and testing.
 *
 * Depth counts condition levels: a top-level condition is depth 1 (callers
 * passing 0 get the same), an operand that is itself a condition is one
 * deeper. Deeper than FCOND_MAX_DEPTH is refused at compile time.
 */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/value.h>

#define FCOND_MAX_DEPTH 5

static const char *op_names[] = {
	[FOP_EQUALS]      = "Equals",
	[FOP_STARTS_WITH] = "TextStartsWith",
	[FOP_ENDS_WITH]   = "TextEndsWith",
	[FOP_CONTAINS]    = "TextContains",
	[FOP_GT]          = "NumberGreaterThan",
	[FOP_GE]          = "NumberGreaterOrEqualTo",
	[FOP_LT]          = "NumberLessThan",
	[FOP_LE]          = "NumberLessOrEqualTo",
};


int fcond_op_parse(enum fcond_op *opp, const char *name)
{
	size_t i;

	if (!opp || !name)
		return EINVAL;

	for (i = 0; i < ARRAY_SIZE(op_names); i++) {
		if (!strcmp(op_names[i], name)) {
			*opp = (enum fcond_op)i;
			return 0;
		}
	}

	return EINVAL;
}


const char *fcond_op_name(enum fcond_op op)
{
	if ((size_t)op >= ARRAY_SIZE(op_names))
		return "?";

	return op_names[op];
}


static void cond_destructor(void *arg)
{
	struct fcond *c = arg;
	size_t i;

	for (i = 0; i < c->opc; i++) {
		ftmpl_reset(&c->opv[i].str);
		mem_deref(c->opv[i].cond);
	}

	mem_deref(c->opv);
}


static int operand_text(struct ftmpl *t, const json_t *j)
{
	char buf[64];

	switch (json_typeof(j)) {

	case JSON_STRING:
		return ftmpl_compile(t, json_string_value(j),
				     json_string_length(j));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(j));
		break;
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(j));
		break;
	case JSON_TRUE:
		snprintf(buf, sizeof(buf), "true");
		break;
	case JSON_FALSE:
		snprintf(buf, sizeof(buf), "false");
		break;
	default:
		return EINVAL;
	}

	return ftmpl_compile(t, buf, strlen(buf));
}


int fcond_compile(struct fcond **condp, const json_t *j, int depth,
		  char *errbuf, size_t errsz)
{
	struct fcond *c = NULL;
	const json_t *jop, *jopv;
	size_t i;
	int err = 0;

	if (!condp || !j)
		return EINVAL;

	if (depth < 1)
		depth = 1;

	if (depth > FCOND_MAX_DEPTH) {
		re_snprintf(errbuf, errsz,
			    "conditions nested deeper than %d",
			    FCOND_MAX_DEPTH);
		return EBADMSG;
	}

	if (!json_is_object(j)) {
		re_snprintf(errbuf, errsz, "Condition must be an object");
		return EBADMSG;
	}

	jop = json_object_get(j, "Operator");
	if (!json_is_string(jop)) {
		re_snprintf(errbuf, errsz, "Condition without Operator");
		return EBADMSG;
	}

	c = mem_zalloc(sizeof(*c), cond_destructor);
	if (!c)
		return ENOMEM;

	if (fcond_op_parse(&c->op, json_string_value(jop))) {
		re_snprintf(errbuf, errsz, "unknown condition Operator \"%s\"",
			    json_string_value(jop));
		err = EBADMSG;
		goto out;
	}

	jopv = json_object_get(j, "Operands");
	if (!json_is_array(jopv) || !json_array_size(jopv)) {
		re_snprintf(errbuf, errsz,
			    "Condition %s needs a non-empty Operands list",
			    fcond_op_name(c->op));
		err = EBADMSG;
		goto out;
	}

	c->opv = mem_zalloc(json_array_size(jopv) * sizeof(*c->opv), NULL);
	if (!c->opv) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < json_array_size(jopv); i++) {
		const json_t *jo = json_array_get(jopv, i);
		struct fcond_operand *o = &c->opv[i];

		if (json_is_object(jo)) {
			o->is_cond = true;
			err = fcond_compile(&o->cond, jo, depth + 1,
					    errbuf, errsz);
		}
		else {
			err = operand_text(&o->str, jo);
			if (err == EINVAL) {
				re_snprintf(errbuf, errsz,
					    "Condition operand %zu must be "
					    "a string", i + 1);
				err = EBADMSG;
			}
		}
		if (err)
			goto out;

		++c->opc;
	}

 out:
	if (err)
		mem_deref(c);
	else
		*condp = c;

	return err;
}


/* The whole string must be a finite decimal number ("5", "-1.5e3"). */
static bool number_parse(double *vp, const char *s, size_t len)
{
	char buf[128];
	char *end;
	size_t i;
	double v;

	if (!len || len >= sizeof(buf))
		return false;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '+' || c == 'e' || c == 'E'))
			return false;
	}

	memcpy(buf, s, len);
	buf[len] = '\0';

	v = strtod(buf, &end);
	if (end != buf + len || !isfinite(v))
		return false;

	*vp = v;
	return true;
}


static bool contains(const char *hay, size_t hlen, const char *needle,
		     size_t nlen)
{
	size_t i;

	if (nlen > hlen)
		return false;

	for (i = 0; i + nlen <= hlen; i++) {
		if (!memcmp(hay + i, needle, nlen))
			return true;
	}

	return false;
}


bool fcond_test(enum fcond_op op, const char *value, size_t vlen,
		const char *operand, size_t olen)
{
	double a, b;

	if (!value)
		vlen = 0, value = "";
	if (!operand)
		olen = 0, operand = "";

	switch (op) {

	case FOP_EQUALS:
		return vlen == olen && !memcmp(value, operand, vlen);

	case FOP_STARTS_WITH:
		return olen <= vlen && !memcmp(value, operand, olen);

	case FOP_ENDS_WITH:
		return olen <= vlen &&
			!memcmp(value + vlen - olen, operand, olen);

	case FOP_CONTAINS:
		return contains(value, vlen, operand, olen);

	case FOP_GT:
	case FOP_GE:
	case FOP_LT:
	case FOP_LE:
		if (!number_parse(&a, value, vlen) ||
		    !number_parse(&b, operand, olen))
			return false;

		switch (op) {
		case FOP_GT: return a > b;
		case FOP_GE: return a >= b;
		case FOP_LT: return a < b;
		default:     return a <= b;
		}
	}

	return false;
}


int fcond_depth(const struct fcond *c)
{
	int d = 0;
	size_t i;

	if (!c)
		return 0;

	for (i = 0; i < c->opc; i++) {
		if (c->opv[i].is_cond) {
			int cd = fcond_depth(c->opv[i].cond);

			if (cd > d)
				d = cd;
		}
	}

	return 1 + d;
}
