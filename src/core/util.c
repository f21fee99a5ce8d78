/**
 * @file util.c  Clocks, ISO-8601 timestamps, E.164, random, files.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>


uint64_t util_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}


uint64_t util_mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}


void util_iso8601(char *buf, size_t sz, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!buf || !sz)
		return;

	if (!gmtime_r(&t, &tm)) {
		buf[0] = '\0';
		return;
	}

	(void)snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		       tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned)(ms % 1000));
}


/* Exactly n decimal digits at *sp; advances *sp. */
static int digits(int *vp, const char **sp, int n)
{
	const char *s = *sp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return EINVAL;
		v = v * 10 + (s[i] - '0');
	}

	*vp = v;
	*sp = s + n;
	return 0;
}


static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static int month_days(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}


/* Zone designator: "Z", "+HH:MM", "+HHMM", "+HH" (or "-"), in seconds */
static int parse_zone(int *offp, const char **sp)
{
	const char *s = *sp;
	int sign, hh, mm = 0;

	if (*s == 'Z' || *s == 'z') {
		*offp = 0;
		*sp = s + 1;
		return 0;
	}

	if (*s != '+' && *s != '-')
		return EINVAL;

	sign = *s++ == '-' ? -1 : 1;
	if (digits(&hh, &s, 2))
		return EINVAL;

	if (*s == ':') {
		++s;
		if (digits(&mm, &s, 2))
			return EINVAL;
	}
	else if (isdigit((unsigned char)*s)) {
		if (digits(&mm, &s, 2))
			return EINVAL;
	}

	if (hh > 23 || mm > 59)
		return EINVAL;

	*offp = sign * (hh * 3600 + mm * 60);
	*sp = s;
	return 0;
}


int util_iso8601_parse(uint64_t *msp, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, msec = 0, off = 0;
	struct tm tm;
	int64_t t;

	if (!msp || !s)
		return EINVAL;

	if (digits(&y, &s, 4) || *s++ != '-' || digits(&mo, &s, 2) ||
	    *s++ != '-' || digits(&d, &s, 2))
		return EINVAL;

	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return EINVAL;

	if (*s == 'T' || *s == 't' || *s == ' ') {
		++s;
		if (digits(&h, &s, 2) || *s++ != ':' || digits(&mi, &s, 2))
			return EINVAL;

		if (*s == ':') {
			++s;
			if (digits(&sec, &s, 2))
				return EINVAL;

			if (*s == '.' || *s == ',') {
				int scale = 100;

				++s;
				if (!isdigit((unsigned char)*s))
					return EINVAL;

				/* keep milliseconds, drop finer digits */
				for (; isdigit((unsigned char)*s); s++) {
					msec += (*s - '0') * scale;
					scale /= 10;
				}
			}
		}

		if (h > 23 || mi > 59 || sec > 59)
			return EINVAL;

		if (*s && parse_zone(&off, &s))
			return EINVAL;
	}

	if (*s)
		return EINVAL;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon  = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min  = mi;
	tm.tm_sec  = sec;

	t = (int64_t)timegm(&tm) - off;
	if (t < 0)
		return ERANGE;

	*msp = (uint64_t)t * 1000 + (uint64_t)msec;
	return 0;
}


/*
 * Strip a "tel:", "sip:" or "sips:" scheme: keep the user part of a SIP
 * URI (before '@') and drop URI parameters (";ext=", ";user=phone").
 */
static void number_part(const char **startp, size_t *lenp, const char *in)
{
	const char *end;

	if (!strncasecmp(in, "tel:", 4))
		in += 4;
	else if (!strncasecmp(in, "sip:", 4))
		in += 4;
	else if (!strncasecmp(in, "sips:", 5))
		in += 5;

	end = in + strcspn(in, "@;");
	*startp = in;
	*lenp = (size_t)(end - in);
}


int util_e164(char *out, size_t sz, const char *in)
{
	const char *p, *end;
	char digs[16];
	size_t n = 0, len;

	if (!out || !in)
		return EINVAL;

	while (isspace((unsigned char)*in))
		++in;

	number_part(&p, &len, in);
	end = p + len;

	while (p < end && isspace((unsigned char)*p))
		++p;

	if (p < end && *p == '+')
		++p;
	else if (end - p >= 2 && p[0] == '0' && p[1] == '0')
		p += 2;		/* "00" international prefix means '+' */

	for (; p < end; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n >= 15)
				return EINVAL;
			digs[n++] = *p;
		}
		else if (!strchr(" \t()-.", *p)) {
			return EINVAL;
		}
	}

	if (n < 2)
		return EINVAL;

	if (sz < n + 2)
		return EOVERFLOW;

	out[0] = '+';
	memcpy(out + 1, digs, n);
	out[n + 1] = '\0';

	return 0;
}


bool util_is_e164(const char *s)
{
	size_t n = 0;

	if (!s || *s++ != '+')
		return false;

	for (; *s; s++, n++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}

	return n >= 2 && n <= 15;
}


static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}


void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	if (!r)
		return;

	/* splitmix64 never yields an all-zero state, which xoshiro forbids */
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}


static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}


uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);

	return res;
}


uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	uint64_t span, threshold, x;

	if (lo > hi) {
		uint32_t tmp = lo;
		lo = hi;
		hi = tmp;
	}

	span = (uint64_t)hi - lo + 1;

	/* reject the low 2^64 mod span values so every result is equally
	 * likely */
	threshold = (0 - span) % span;
	do {
		x = rng_next(r);
	} while (x < threshold);

	return lo + (uint32_t)(x % span);
}


int util_read_file(char **bufp, size_t *lenp, const char *path, size_t max)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd, err = 0;

	if (!bufp || !path)
		return EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}

	if (S_ISDIR(st.st_mode)) {
		err = EISDIR;
		goto out;
	}

	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		err = EFBIG;
		goto out;
	}

	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;

	buf = mem_alloc(cap + 1, NULL);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}

	/* read until EOF: the file may grow, or not be a regular file */
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (len > max) {
				err = EFBIG;
				goto out;
			}

			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = mem_realloc(buf, cap + 1);
			if (!nb) {
				err = ENOMEM;
				goto out;
			}
			buf = nb;
		}

		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		if (n == 0)
			break;

		len += (size_t)n;
	}

	if (len > max) {
		err = EFBIG;
		goto out;
	}

	buf[len] = '\0';

 out:
	(void)close(fd);

	if (err) {
		mem_deref(buf);
	}
	else {
		*bufp = buf;
		if (lenp)
			*lenp = len;
	}

	return err;
}


static void uuid_format(char *buf, uint8_t b[16])
{
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */

	(void)snprintf(buf, 37,
		       "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		       "%02x%02x%02x%02x%02x%02x",
		       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		       b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void util_uuid(char *buf, struct rng *r)
{
	uint8_t b[16];
	uint64_t a, c;
	int i;

	if (!buf || !r)
		return;

	a = rng_next(r);
	c = rng_next(r);
	for (i = 0; i < 8; i++) {
		b[i]     = (uint8_t)(a >> (56 - 8 * i));
		b[i + 8] = (uint8_t)(c >> (56 - 8 * i));
	}
	uuid_format(buf, b);
}

int util_random(void *buf, size_t n)
{
	uint8_t *p = buf;

	if (!buf && n)
		return EINVAL;
	/* the kernel's CSPRNG; blocks only before it is first seeded */
	while (n) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int util_uuid4(char *buf)
{
	uint8_t b[16];
	int err;

	if (!buf)
		return EINVAL;
	err = util_random(b, sizeof(b));
	if (err)
		return err;
	uuid_format(buf, b);
	return 0;
}


bool util_strieq(const char *a, size_t alen, const char *s)
{
	size_t i;

	if (!a || !s)
		return false;

	for (i = 0; i < alen; i++) {
		if (!s[i] || tolower((unsigned char)a[i]) !=
		    tolower((unsigned char)s[i]))
			return false;
	}

	return s[alen] == '\0';
}


int util_parse_bool(bool *bp, const char *s)
{
	static const char *const yes[] = {"true", "1", "yes"};
	static const char *const no[]  = {"false", "0", "no"};
	size_t i;

	if (!bp || !s)
		return EINVAL;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i])) {
			*bp = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*bp = false;
			return 0;
		}
	}

	return EINVAL;
}
