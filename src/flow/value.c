/**
 * @file value.c  References ($.X.y), templates and parameter trees.
 *
 * A reference is "$." + a root name, then for roots that take one a key:
 * name parts of [A-Za-z0-9_-] joined by '.', or bracket names
 * (['a b'] or ["a b"]). Inside text a reference ends at the first
 * character that cannot continue it, so "thanks $.Attributes.Name." ends
 * the reference before the final '.'.
 */
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/value.h>

struct root_def {
	const char *name;
	enum fref_root root;
	bool has_key;
};

/* "Media" is handled apart: its key follows ".Sip.Headers." */
static const struct root_def roots[] = {
	{"ContactId",              FREF_CONTACT_ID,          false},
	{"InitialContactId",       FREF_INITIAL_CONTACT_ID,  false},
	{"PreviousContactId",      FREF_PREVIOUS_CONTACT_ID, false},
	{"Channel",                FREF_CHANNEL,             false},
	{"InitiationMethod",       FREF_INITIATION_METHOD,   false},
	{"InstanceARN",            FREF_INSTANCE_ARN,        false},
	{"LanguageCode",           FREF_LANGUAGE_CODE,       false},
	{"TextToSpeechVoiceId",    FREF_TTS_VOICE,           false},
	{"Name",                   FREF_NAME,                false},
	{"Description",            FREF_DESCRIPTION,         false},
	{"CustomerEndpoint",       FREF_CUSTOMER_ENDPOINT,   true},
	{"SystemEndpoint",         FREF_SYSTEM_ENDPOINT,     true},
	{"Attributes",             FREF_ATTRIBUTES,          true},
	{"FlowAttributes",         FREF_FLOW_ATTRIBUTES,     true},
	{"External",               FREF_EXTERNAL,            true},
	{"StoredCustomerInput",    FREF_STORED_INPUT,        false},
	{"Queue",                  FREF_QUEUE,               true},
	{"Agent",                  FREF_AGENT,               true},
	{"Metrics",                FREF_METRICS,             true},
	{"Lex",                    FREF_LEX,                 true},
	{"CustomerCallbackNumber", FREF_CALLBACK_NUMBER,     false},
	{"QueuePriority",          FREF_QUEUE_PRIORITY,      false},
	{"Customer",               FREF_CUSTOMER,            true},
	{"Views",                  FREF_VIEWS,               true},
	{"Modules",                FREF_MODULES,             true},
};

#define SIP_PREFIX "Media.Sip.Headers"


static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '-';
}


static const char *root_name(enum fref_root root)
{
	size_t i;

	if (root == FREF_SIP_HEADERS)
		return SIP_PREFIX;

	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		if (roots[i].root == root)
			return roots[i].name;
	}

	return "?";
}


/* Length of a bracket name part at s ("['a b']"), 0 if not one. */
static size_t bracket_len(const char *s, size_t len, size_t *inner_off,
			  size_t *inner_len)
{
	char q;
	size_t i;

	if (len < 5 || s[0] != '[' || (s[1] != '\'' && s[1] != '"'))
		return 0;

	q = s[1];
	for (i = 2; i + 1 < len; i++) {
		if (s[i] == q && s[i + 1] == ']')
			break;
	}
	if (i + 1 >= len || i == 2)
		return 0;

	*inner_off = 2;
	*inner_len = i - 2;
	return i + 2;
}


/*
 * Scan the key after "<root>": one or more ".part" where part is a name or
 * a bracket name. Returns the bytes used and in *klenp the length of the
 * decoded key, written to out when not NULL (first pass: count only).
 */
static size_t key_scan(const char *s, size_t len, char *out, size_t *klenp)
{
	size_t pos = 0, k = 0;

	while (pos + 1 < len && (s[pos] == '.' || s[pos] == '[')) {
		/* ".name", ".['a b']" and, JSONPath style, "['a b']" */
		size_t dot = s[pos] == '.' ? 1 : 0;
		const char *p = s + pos + dot;
		size_t plen = len - pos - dot;
		size_t ioff = 0, ilen, blen, n = 0;

		blen = bracket_len(p, plen, &ioff, &ilen);
		if (!blen && !dot)
			break;
		if (!blen) {
			while (n < plen && is_name_char(p[n]))
				++n;
			if (!n)
				break;
			ilen = n;
			blen = n;
		}

		if (k) {
			if (out)
				out[k] = '.';
			++k;
		}
		if (out)
			memcpy(out + k, p + ioff, ilen);
		k += ilen;
		pos += dot + blen;
	}

	*klenp = k;
	return pos;
}


/*
 * Parse the longest reference at the start of s. Returns its length and
 * fills ref (key allocated), or 0 when s does not start with a known one.
 */
static size_t ref_scan(struct fref *ref, const char *s, size_t len)
{
	const struct root_def *def = NULL;
	enum fref_root root;
	bool has_key;
	size_t pos, n = 0, klen;
	size_t i;

	if (len < 3 || s[0] != '$' || s[1] != '.')
		return 0;

	pos = 2;
	while (pos + n < len && is_name_char(s[pos + n]))
		++n;
	if (!n)
		return 0;

	if (n == 5 && !memcmp(s + pos, "Media", 5)) {
		size_t plen = strlen(SIP_PREFIX);

		if (len - pos < plen + 2 || memcmp(s + pos, SIP_PREFIX, plen))
			return 0;
		root = FREF_SIP_HEADERS;
		has_key = true;
		pos += plen;
	}
	else {
		for (i = 0; i < ARRAY_SIZE(roots); i++) {
			if (strlen(roots[i].name) == n &&
			    !memcmp(roots[i].name, s + pos, n)) {
				def = &roots[i];
				break;
			}
		}
		if (!def)
			return 0;
		root = def->root;
		has_key = def->has_key;
		pos += n;
	}

	memset(ref, 0, sizeof(*ref));
	ref->root = root;

	if (!has_key)
		return pos;

	n = key_scan(s + pos, len - pos, NULL, &klen);
	if (!n || !klen)
		return 0;

	ref->key = mem_alloc(klen + 1, NULL);
	if (!ref->key)
		return 0;
	(void)key_scan(s + pos, len - pos, ref->key, &klen);
	ref->key[klen] = '\0';
	ref->klen = klen;

	return pos + n;
}


int fref_parse(struct fref *ref, const char *s, size_t len)
{
	struct fref r;
	size_t n;

	if (!ref || !s)
		return EINVAL;

	n = ref_scan(&r, s, len);
	if (!n)
		return EINVAL;
	if (n != len) {
		fref_reset(&r);
		return EINVAL;
	}

	*ref = r;
	return 0;
}


void fref_reset(struct fref *ref)
{
	if (!ref)
		return;

	ref->key = mem_deref(ref->key);
	ref->klen = 0;
}


int fref_print(char *buf, size_t sz, const struct fref *ref)
{
	bool plain = true;
	size_t i;
	int n;

	if (!buf || !sz || !ref)
		return EINVAL;

	if (!ref->key) {
		n = snprintf(buf, sz, "$.%s", root_name(ref->root));
		return (n < 0 || (size_t)n >= sz) ? ENOMEM : 0;
	}

	for (i = 0; i < ref->klen; i++) {
		char c = ref->key[i];

		if (!is_name_char(c) && c != '.')
			plain = false;
	}
	if (ref->key[0] == '.' || ref->key[ref->klen - 1] == '.')
		plain = false;

	if (plain)
		n = snprintf(buf, sz, "$.%s.%s", root_name(ref->root),
			     ref->key);
	else
		n = snprintf(buf, sz, "$.%s.['%s']", root_name(ref->root),
			     ref->key);

	return (n < 0 || (size_t)n >= sz) ? ENOMEM : 0;
}


static int seg_add(struct ftmpl *t, size_t *cap, const struct ftmpl_seg *seg)
{
	if (t->segc == *cap) {
		size_t ncap = *cap ? *cap * 2 : 2;
		struct ftmpl_seg *v;

		v = mem_reallocarray(t->segv, ncap, sizeof(*v), NULL);
		if (!v)
			return ENOMEM;
		t->segv = v;
		*cap = ncap;
	}

	t->segv[t->segc++] = *seg;
	return 0;
}


int ftmpl_compile(struct ftmpl *t, const char *raw, size_t len)
{
	struct ftmpl_seg seg;
	size_t cap = 0, lit = 0, i = 0, refs = 0;
	int err = 0;

	if (!t || (!raw && len))
		return EINVAL;

	memset(t, 0, sizeof(*t));

	t->raw = mem_alloc(len + 1, NULL);
	if (!t->raw)
		return ENOMEM;
	if (len)
		memcpy(t->raw, raw, len);
	t->raw[len] = '\0';
	t->rawlen = len;

	/* a literal-only value is common: no segment scan needed */
	if (!memchr(t->raw, '$', len)) {
		if (len) {
			memset(&seg, 0, sizeof(seg));
			seg.text = t->raw;
			seg.len = len;
			err = seg_add(t, &cap, &seg);
		}
		goto out;
	}

	while (i < len) {
		struct fref ref;
		size_t n;

		if (t->raw[i] != '$') {
			++i;
			continue;
		}

		n = ref_scan(&ref, t->raw + i, len - i);
		if (!n) {
			++i;
			continue;
		}

		if (i > lit) {
			memset(&seg, 0, sizeof(seg));
			seg.text = t->raw + lit;
			seg.len = i - lit;
			err = seg_add(t, &cap, &seg);
			if (err) {
				fref_reset(&ref);
				goto out;
			}
		}

		memset(&seg, 0, sizeof(seg));
		seg.is_ref = true;
		seg.text = t->raw + i;
		seg.len = n;
		seg.ref = ref;
		err = seg_add(t, &cap, &seg);
		if (err) {
			fref_reset(&ref);
			goto out;
		}

		++refs;
		i += n;
		lit = i;
	}

	if (lit < len) {
		memset(&seg, 0, sizeof(seg));
		seg.text = t->raw + lit;
		seg.len = len - lit;
		err = seg_add(t, &cap, &seg);
	}

 out:
	if (err) {
		ftmpl_reset(t);
		return err;
	}

	t->is_static = refs == 0;
	t->is_single_ref = refs == 1 && t->segc == 1;
	return 0;
}


void ftmpl_reset(struct ftmpl *t)
{
	size_t i;

	if (!t)
		return;

	for (i = 0; i < t->segc; i++)
		fref_reset(&t->segv[i].ref);

	mem_deref(t->segv);
	mem_deref(t->raw);
	memset(t, 0, sizeof(*t));
}


static bool is_placeholder_char(char c)
{
	return is_name_char(c) || c == '.';
}


/*
 * "{{name}}" is the templating of the rules-engine samples; "%%NAME%%" is
 * what the Salesforce SCV samples use for the same purpose.
 */
bool ftmpl_has_placeholder(const struct ftmpl *t)
{
	const char *s, *e;
	size_t i, j;

	if (!t || !t->raw)
		return false;

	s = t->raw;
	e = strstr(s, "{{");
	if (e && e[2] != '}' && strstr(e + 2, "}}"))
		return true;

	/* CloudFormation's intrinsic, left in an extracted template */
	if (!strncmp(s, "!Sub", 4) || !strncmp(s, "Fn::", 4))
		return true;

	/* Terraform / CloudFormation ${NAME}, ${AWS::Region}, ${F:x:F} */
	for (e = strstr(s, "${"); e; e = strstr(e + 2, "${")) {
		for (j = 2; e[j] && (is_placeholder_char(e[j]) ||
				      e[j] == ':'); j++)
			;
		if (j > 2 && e[j] == '}')
			return true;
	}

	for (i = 0; i + 4 < t->rawlen; i++) {
		if (s[i] != '%' || s[i + 1] != '%')
			continue;
		for (j = i + 2; j < t->rawlen && is_placeholder_char(s[j]);
		     j++)
			;
		if (j > i + 2 && j + 1 < t->rawlen && s[j] == '%' &&
		    s[j + 1] == '%')
			return true;
	}

	return false;
}


static int text_set(struct ftmpl *t, const char *s)
{
	return ftmpl_compile(t, s, strlen(s));
}


int fparam_compile(struct fparam *p, const json_t *j)
{
	char nbuf[64];
	int err = 0;

	if (!p || !j)
		return EINVAL;

	memset(p, 0, sizeof(*p));

	switch (json_typeof(j)) {

	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		size_t i = 0;

		p->kind = FP_OBJ;
		p->n = json_object_size(j);
		if (!p->n)
			break;

		p->v = mem_zalloc(p->n * sizeof(*p->v), NULL);
		if (!p->v) {
			p->n = 0;
			return ENOMEM;
		}

		json_object_foreach((json_t *)j, key, val) {
			struct fparam *c = &p->v[i];

			err = fparam_compile(c, val);
			if (err) {
				p->n = i;
				goto out;
			}
			++i;
			err = str_dup(&c->key, key);
			if (err) {
				p->n = i;
				goto out;
			}
		}
		break;
	}

	case JSON_ARRAY: {
		size_t i;

		p->kind = FP_ARR;
		p->n = json_array_size(j);
		if (!p->n)
			break;

		p->v = mem_zalloc(p->n * sizeof(*p->v), NULL);
		if (!p->v) {
			p->n = 0;
			return ENOMEM;
		}

		for (i = 0; i < p->n; i++) {
			err = fparam_compile(&p->v[i], json_array_get(j, i));
			if (err) {
				p->n = i;
				goto out;
			}
		}
		break;
	}

	case JSON_STRING:
		p->kind = FP_STR;
		err = ftmpl_compile(&p->str, json_string_value(j),
				    json_string_length(j));
		break;

	case JSON_INTEGER:
		p->kind = FP_NUM;
		p->num = (double)json_integer_value(j);
		snprintf(nbuf, sizeof(nbuf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(j));
		err = text_set(&p->str, nbuf);
		break;

	case JSON_REAL:
		p->kind = FP_NUM;
		p->num = json_real_value(j);
		snprintf(nbuf, sizeof(nbuf), "%.15g", p->num);
		err = text_set(&p->str, nbuf);
		break;

	case JSON_TRUE:
	case JSON_FALSE:
		p->kind = FP_BOOL;
		p->b = json_is_true(j);
		err = text_set(&p->str, p->b ? "true" : "false");
		break;

	case JSON_NULL:
	default:
		p->kind = FP_NULL;
		err = text_set(&p->str, "");
		break;
	}

 out:
	if (err)
		fparam_reset(p);

	return err;
}


void fparam_reset(struct fparam *p)
{
	size_t i;

	if (!p)
		return;

	for (i = 0; i < p->n; i++)
		fparam_reset(&p->v[i]);

	mem_deref(p->v);
	mem_deref(p->key);
	ftmpl_reset(&p->str);
	memset(p, 0, sizeof(*p));
}


const struct fparam *fparam_get(const struct fparam *obj, const char *key)
{
	size_t i;

	if (!obj || !key || obj->kind != FP_OBJ)
		return NULL;

	for (i = 0; i < obj->n; i++) {
		if (obj->v[i].key && !strcmp(obj->v[i].key, key))
			return &obj->v[i];
	}

	return NULL;
}


const struct fparam *fparam_get2(const struct fparam *obj, const char *k1,
				 const char *k2)
{
	const struct fparam *p = fparam_get(obj, k1);

	return p ? p : fparam_get(obj, k2);
}
