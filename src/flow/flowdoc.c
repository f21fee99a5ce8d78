/**
 * @file flowdoc.c  Fast paths for flow document text: a content digest
 * (to skip reloads of unchanged files) and a parse that skips designer
 * Metadata without building a JSON tree for it.
 */
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flow.h>
#include "flowdoc.h"

/* CRC-32 (IEEE 802.3, reflected) of the file text: equal texts, equal
 * digests, so a reload of an unchanged file can be skipped. */
uint32_t flowdoc_digest(const char *text, size_t len)
{
	/* half-byte table: constant, so no lazy init shared by threads */
	static const uint32_t nib[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	uint32_t crc = 0xffffffffu;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = (uint8_t)text[i];

		crc = nib[(crc ^ b) & 0xf] ^ (crc >> 4);
		crc = nib[(crc ^ (b >> 4)) & 0xf] ^ (crc >> 4);
	}

	return crc ^ 0xffffffffu;
}

/*
 * Designer Metadata is often half of an export and never used: building
 * jansson's tree for it costs more than compiling the actions. A strict,
 * allocation-free scanner finds the top-level "Metadata" value, which is
 * blanked to "{}" plus spaces (newlines kept, so error positions stay
 * right) before the real parse. Anything the scanner does not like falls
 * back to parsing the text as it is, which reports the error.
 */
#define SCAN_MAX_DEPTH 1024

static size_t scan_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			   s[i] == '\r'))
		++i;
	return i;
}


static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		(ch >= 'A' && ch <= 'F');
}


/* End of the string starting at s[i] == '"', or 0. */
static size_t scan_string(const char *s, size_t len, size_t i)
{
	for (++i; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"')
			return i + 1;
		if (ch < 0x20)
			return 0;
		if (ch != '\\')
			continue;
		if (++i >= len)
			return 0;
		if (s[i] == 'u') {
			if (i + 4 >= len || !is_hex(s[i + 1]) ||
			    !is_hex(s[i + 2]) || !is_hex(s[i + 3]) ||
			    !is_hex(s[i + 4]))
				return 0;
			i += 4;
		}
		else if (!strchr("\"\\/bfnrt", s[i]) || !s[i]) {
			return 0;
		}
	}

	return 0;
}


static size_t scan_digits(const char *s, size_t len, size_t i)
{
	size_t start = i;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		++i;
	return i > start ? i : 0;
}


static size_t scan_number(const char *s, size_t len, size_t i)
{
	if (i < len && s[i] == '-')
		++i;
	if (i < len && s[i] == '0')
		++i;
	else if (!(i = scan_digits(s, len, i)))
		return 0;
	if (i < len && s[i] == '.' && !(i = scan_digits(s, len, i + 1)))
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		++i;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			++i;
		if (!(i = scan_digits(s, len, i)))
			return 0;
	}
	return i;
}


/* End of the value at s[i] (no leading space), or 0 when invalid. */
static size_t scan_value(const char *s, size_t len, size_t i, int depth)
{
	char close;

	if (i >= len || depth > SCAN_MAX_DEPTH)
		return 0;

	switch (s[i]) {

	case '"':
		return scan_string(s, len, i);

	case 't':
		return len - i >= 4 && !memcmp(s + i, "true", 4) ? i + 4 : 0;
	case 'f':
		return len - i >= 5 && !memcmp(s + i, "false", 5) ? i + 5 : 0;
	case 'n':
		return len - i >= 4 && !memcmp(s + i, "null", 4) ? i + 4 : 0;

	case '{':
	case '[':
		close = s[i] == '{' ? '}' : ']';
		i = scan_ws(s, len, i + 1);
		if (i < len && s[i] == close)
			return i + 1;

		for (;;) {
			if (close == '}') {
				if (i >= len || s[i] != '"' ||
				    !(i = scan_string(s, len, i)))
					return 0;
				i = scan_ws(s, len, i);
				if (i >= len || s[i] != ':')
					return 0;
				i = scan_ws(s, len, i + 1);
			}
			if (!(i = scan_value(s, len, i, depth + 1)))
				return 0;
			i = scan_ws(s, len, i);
			if (i >= len)
				return 0;
			if (s[i] == close)
				return i + 1;
			if (s[i] != ',')
				return 0;
			i = scan_ws(s, len, i + 1);
		}

	default:
		return scan_number(s, len, i);
	}
}


#define KEY_IS(s, ks, ke, lit) \
	((ke) - (ks) == sizeof(lit) + 1 && !memcmp((s) + (ks), "\"" lit "\"", \
						    sizeof(lit) + 1))

/* Metadata.type / Metadata.flowType, when one names a flow type. */
static void scan_meta_type(struct flowdoc_meta *c, const char *s,
			   size_t len, size_t i)
{
	i = scan_ws(s, len, i + 1);	/* after '{' */

	while (i < len && s[i] == '"') {
		size_t ks = i, ke, vs, ve;

		ke = scan_string(s, len, ks);
		vs = scan_ws(s, len, scan_ws(s, len, ke) + 1);
		ve = scan_value(s, len, vs, 1);
		if (!ke || !ve)
			return;

		if ((KEY_IS(s, ks, ke, "type") ||
		     KEY_IS(s, ks, ke, "flowType")) && s[vs] == '"' &&
		    !c->has_type) {
			char name[40];
			size_t n = ve - vs - 2;

			if (n < sizeof(name) && !memchr(s + vs + 1, '\\', n)) {
				memcpy(name, s + vs + 1, n);
				name[n] = '\0';
				c->has_type = !flow_type_parse(
					&c->type, name);
			}
		}

		i = scan_ws(s, len, ve);
		if (i < len && s[i] == ',')
			i = scan_ws(s, len, i + 1);
	}
}


json_t *flowdoc_parse(const char *text, size_t len, json_error_t *jerr,
		      struct flowdoc_meta *c)
{
	size_t i, ms = 0, me = 0, k;
	char *copy;
	json_t *j;

	i = scan_ws(text, len, 0);
	if (i >= len || text[i] != '{')
		goto plain;
	i = scan_ws(text, len, i + 1);

	while (i < len && text[i] == '"') {
		size_t ks = i, ke, vs, ve;

		if (!(ke = scan_string(text, len, ks)))
			goto plain;
		k = scan_ws(text, len, ke);
		if (k >= len || text[k] != ':')
			goto plain;
		vs = scan_ws(text, len, k + 1);
		if (!(ve = scan_value(text, len, vs, 1)))
			goto plain;

		if (KEY_IS(text, ks, ke, "Metadata") && text[vs] == '{') {
			if (me)
				goto plain;	/* twice: let jansson decide */
			ms = vs;
			me = ve;
		}

		i = scan_ws(text, len, ve);
		if (i < len && text[i] == ',')
			i = scan_ws(text, len, i + 1);
		else
			break;
	}

	if (!me || i >= len || text[i] != '}' ||
	    scan_ws(text, len, i + 1) != len)
		goto plain;

	scan_meta_type(c, text, len, ms);

	copy = mem_alloc(len + 1, NULL);
	if (!copy)
		goto plain;
	memcpy(copy, text, len);
	copy[ms] = '{';
	copy[ms + 1] = '}';
	for (k = ms + 2; k < me; k++) {
		if (copy[k] != '\n')
			copy[k] = ' ';
	}

	j = json_loadb(copy, len, 0, jerr);
	mem_deref(copy);
	return j;

 plain:
	return json_loadb(text, len, 0, jerr);
}
