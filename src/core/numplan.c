/**
 * @file numplan.c  National dialling plans to E.164.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/numplan.h>
#include <callflowd/core/util.h>

struct numplan {
	const char *iso;
	const char *cc;		/* country calling code */
	const char *trunk;	/* national trunk prefix ("" none) */
	const char *intl[2];	/* international prefixes */
	unsigned nmin, nmax;	/* national significant number lengths */
};

/* The plans of ITU-T E.164 as the countries publish them: NANP numbers
 * are ten digits after the trunk prefix 1, most of Europe has trunk
 * prefix 0, Italy keeps its leading 0 in the international form. */
static const struct numplan plans[] = {
	{"US", "1",  "1", {"011", NULL}, 10, 10},
	{"CA", "1",  "1", {"011", NULL}, 10, 10},
	{"GB", "44", "0", {"00", NULL},   9, 10},
	{"IE", "353", "0", {"00", NULL},  7,  9},
	{"DE", "49", "0", {"00", NULL},   6, 11},
	{"AT", "43", "0", {"00", NULL},   4, 13},
	{"CH", "41", "0", {"00", NULL},   9,  9},
	{"FR", "33", "0", {"00", NULL},   9,  9},
	{"BE", "32", "0", {"00", NULL},   8,  9},
	{"NL", "31", "0", {"00", NULL},   9,  9},
	{"ES", "34", "",  {"00", NULL},   9,  9},
	{"IT", "39", "",  {"00", NULL},   6, 11},
	{"PT", "351", "", {"00", NULL},   9,  9},
	{"SE", "46", "0", {"00", NULL},   7, 9},
	{"NO", "47", "",  {"00", NULL},   8,  8},
	{"DK", "45", "",  {"00", NULL},   8,  8},
	{"FI", "358", "0", {"00", "990"}, 5, 12},
	{"PL", "48", "",  {"00", NULL},   9,  9},
	{"AU", "61", "0", {"0011", NULL}, 9,  9},
	{"NZ", "64", "0", {"00", NULL},   8, 10},
	{"IN", "91", "0", {"00", NULL},  10, 10},
	{"BR", "55", "0", {"00", NULL},  10, 11},
	{"MX", "52", "",  {"00", NULL},  10, 10},
	{"JP", "81", "0", {"010", NULL},  9, 10},
	{"SG", "65", "",  {"000", NULL},  8,  8},
	{"ZA", "27", "0", {"00", NULL},   9,  9},
};

const struct numplan *numplan_find(const char *country)
{
	size_t i;

	for (i = 0; country && i < sizeof(plans) / sizeof(plans[0]); i++) {
		if (!strcasecmp(plans[i].iso, country))
			return &plans[i];
	}
	return NULL;
}

const char *numplan_countries(void)
{
	return "US, CA, GB, IE, DE, AT, CH, FR, BE, NL, ES, IT, PT, SE, NO, "
		"DK, FI, PL, AU, NZ, IN, BR, MX, JP, SG, ZA";
}

/* The digits of in (a leading '+' kept), separators dropped; the user
 * part of a tel:/sip: URI. EINVAL for anything else. */
static int digits(char *out, size_t sz, const char *in)
{
	const char *p = in, *end;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		++p;
	if (!strncasecmp(p, "tel:", 4))
		p += 4;
	else if (!strncasecmp(p, "sip:", 4) || !strncasecmp(p, "sips:", 5))
		p = strchr(p, ':') + 1;
	end = p + strcspn(p, "@;");
	for (; p < end; p++) {
		if (*p == '+' && n == 0)
			out[n++] = '+';
		else if (isdigit((unsigned char)*p))
			out[n++] = *p;
		else if (!strchr(" \t()-./", *p))
			return EINVAL;
		if (n >= sz - 1)
			return EINVAL;
	}
	out[n] = '\0';
	return n ? 0 : EINVAL;
}

static int put(char *out, size_t sz, const char *cc, const char *nsn)
{
	size_t n = strlen(cc) + strlen(nsn);

	if (n < 2 || n > 15)
		return EINVAL;
	if (sz < n + 2)
		return EOVERFLOW;
	out[0] = '+';
	strcpy(out + 1, cc);
	strcat(out, nsn);
	return 0;
}

static bool has_prefix(const char *s, const char *pre)
{
	return pre && *pre && !strncmp(s, pre, strlen(pre));
}

int numplan_e164(char *out, size_t sz, const char *in,
		 const struct numplan *plan)
{
	char d[40];
	size_t i, len;
	int err;

	if (!out || !in)
		return EINVAL;
	err = digits(d, sizeof(d), in);
	if (err)
		return err;
	if (d[0] == '+')
		return put(out, sz, "", d + 1);
	if (!plan)
		return has_prefix(d, "00") ? put(out, sz, "", d + 2) : EINVAL;

	for (i = 0; i < 2; i++) {
		if (has_prefix(d, plan->intl[i]))
			return put(out, sz, "", d + strlen(plan->intl[i]));
	}
	len = strlen(d);
	if (has_prefix(d, plan->trunk) && len - strlen(plan->trunk) >=
	    plan->nmin && len - strlen(plan->trunk) <= plan->nmax)
		return put(out, sz, plan->cc, d + strlen(plan->trunk));
	if (len >= plan->nmin && len <= plan->nmax &&
	    !has_prefix(d, plan->trunk))
		return put(out, sz, plan->cc, d);
	return EINVAL;
}
