/*
 * registrar: HA1 credentials, the lock-out policy, listing and clearing
 * lock-outs. REGISTER requests are decoded from text and handed to
 * registrar_handle() directly; its answers go nowhere (no transport).
 */
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/sip/registrar.h>
#include "test.h"

/* MD5("agent1:callflowd:s3cret") */
#define AGENT1_HA1 "75eab730514ca423c29c5f0b85686d7d"

struct fixture {
	struct sip *sip;
	struct registrar *reg;
};

static int fixture_init(struct fixture *f, const char *policy)
{
	json_t *agents = json_pack("[{s:s, s:s}, {s:s, s:s}]",
				   "username", "agent1", "ha1", AGENT1_HA1,
				   "username", "agent2", "password", "two");
	json_t *pol = policy ? json_loads(policy, 0, NULL) : NULL;
	int err;

	memset(f, 0, sizeof(*f));
	err = sip_alloc(&f->sip, NULL, 4, 4, 4, "test", NULL, NULL);
	if (!err)
		err = registrar_alloc(&f->reg, f->sip, NULL, NULL, NULL,
				      NULL);
	if (!err)
		err = registrar_set_agents(f->reg, agents);
	if (!err && policy)
		err = registrar_set_policy(f->reg, pol);
	json_decref(agents);
	json_decref(pol);
	return err;
}

static void fixture_close(struct fixture *f)
{
	f->reg = mem_deref(f->reg);
	if (f->sip)
		sip_close(f->sip, true);
	f->sip = mem_deref(f->sip);
}

/* One REGISTER for user from addr with a made-up digest answer: a
 * failed login. */
static void guess(struct fixture *f, const char *user, const char *addr)
{
	static unsigned n;
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(1024);

	if (!mb)
		return;
	++n;
	(void)mbuf_printf(mb,
		"REGISTER sip:127.0.0.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK%u\r\n"
		"From: <sip:%s@127.0.0.1>;tag=a\r\n"
		"To: <sip:%s@127.0.0.1>\r\n"
		"Call-ID: c%u@test\r\nCSeq: 1 REGISTER\r\n"
		"Contact: <sip:%s@%s:5060>\r\n"
		"Authorization: Digest username=\"%s\", realm=\"callflowd\", "
		"nonce=\"1.ab\", uri=\"sip:127.0.0.1\", "
		"response=\"00000000000000000000000000000000\"\r\n"
		"Content-Length: 0\r\n\r\n", addr, n, user, user, n, user,
		addr, user);
	mb->pos = 0;
	if (!sip_msg_decode(&msg, mb)) {
		(void)sa_set_str(&msg->src, addr, 5060);
		msg->tp = SIP_TRANSP_UDP;
		(void)registrar_handle(f->reg, msg);
	}
	mem_deref(msg);
	mem_deref(mb);
}

static json_t *lockouts(struct fixture *f)
{
	json_t *arr = NULL;

	return registrar_lockouts(&arr, f->reg) ? NULL : arr;
}

TEST(ha1_is_md5_of_user_realm_password)
{
	uint8_t ha1[16];
	char hex[33];

	ASSERT_INT_EQ(registrar_ha1(ha1, "agent1", "callflowd", "s3cret"), 0);
	re_snprintf(hex, sizeof(hex), "%w", ha1, sizeof(ha1));
	ASSERT_STR_EQ(hex, AGENT1_HA1);
	ASSERT_INT_EQ(registrar_ha1(ha1, NULL, "r", "p"), EINVAL);
}

TEST(source_locked_after_max_failures_user_not)
{
	struct fixture f;
	json_t *arr, *lo;
	int i;

	ASSERT_INT_EQ(fixture_init(&f, NULL), 0);
	for (i = 0; i < 4; i++)
		guess(&f, "agent1", "192.0.2.7");
	arr = lockouts(&f);
	ASSERT_INT_EQ(json_array_size(arr), 0);
	json_decref(arr);

	guess(&f, "agent1", "192.0.2.7");
	arr = lockouts(&f);
	ASSERT_INT_EQ(json_array_size(arr), 1);
	lo = json_array_get(arr, 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(lo, "kind")),
		      "source");
	ASSERT_STR_EQ(json_string_value(json_object_get(lo, "name")),
		      "192.0.2.7");
	ASSERT_INT_EQ(json_integer_value(json_object_get(lo, "failures")), 5);
	ASSERT_TRUE(json_integer_value(json_object_get(lo, "seconds_left")) >
		    290);
	ASSERT_INT_EQ(strlen(json_string_value(json_object_get(lo, "until"))),
		      20);
	json_decref(arr);

	/* cleared: listed no more; a second clear finds nothing */
	ASSERT_INT_EQ(registrar_unlock(f.reg, "source", "192.0.2.7"), 0);
	arr = lockouts(&f);
	ASSERT_INT_EQ(json_array_size(arr), 0);
	json_decref(arr);
	ASSERT_INT_EQ(registrar_unlock(f.reg, "source", "192.0.2.7"), ENOENT);
	ASSERT_INT_EQ(registrar_unlock(f.reg, "source", "not-an-ip"), EINVAL);
	ASSERT_INT_EQ(registrar_unlock(f.reg, "device", "x"), EINVAL);
	ASSERT_INT_EQ(registrar_unlock(f.reg, "user", "agent1"), ENOENT);
	fixture_close(&f);
}

TEST(user_locked_past_its_threshold_from_many_sources)
{
	struct fixture f;
	json_t *arr, *lo;
	char addr[32];
	int i;

	ASSERT_INT_EQ(fixture_init(&f, "{\"user_max_failures\": 12, "
				   "\"lockout_seconds\": 60}"), 0);
	/* three guesses from each of four addresses: no source locked */
	for (i = 0; i < 12; i++) {
		re_snprintf(addr, sizeof(addr), "198.51.100.%d", 1 + i / 3);
		guess(&f, "agent2", addr);
	}
	arr = lockouts(&f);
	ASSERT_INT_EQ(json_array_size(arr), 1);
	lo = json_array_get(arr, 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(lo, "kind")), "user");
	ASSERT_STR_EQ(json_string_value(json_object_get(lo, "name")),
		      "agent2");
	ASSERT_INT_EQ(json_integer_value(json_object_get(lo, "failures")), 12);
	ASSERT_TRUE(json_integer_value(json_object_get(lo, "seconds_left")) <=
		    60);
	json_decref(arr);

	ASSERT_INT_EQ(registrar_unlock(f.reg, "user", "agent2"), 0);
	arr = lockouts(&f);
	ASSERT_INT_EQ(json_array_size(arr), 0);
	json_decref(arr);
	fixture_close(&f);
}

TEST(policy_checked)
{
	struct fixture f;
	json_t *bad;

	ASSERT_INT_EQ(fixture_init(&f, NULL), 0);
	bad = json_pack("{s:i}", "max_failures", 0);
	ASSERT_INT_EQ(registrar_set_policy(f.reg, bad), EINVAL);
	json_decref(bad);
	bad = json_pack("{s:s}", "lockout_seconds", "60");
	ASSERT_INT_EQ(registrar_set_policy(f.reg, bad), EINVAL);
	json_decref(bad);
	bad = json_pack("{s:i}", "max_failure", 3);
	ASSERT_INT_EQ(registrar_set_policy(f.reg, bad), EINVAL);
	json_decref(bad);
	bad = json_pack("[]");
	ASSERT_INT_EQ(registrar_set_policy(f.reg, bad), EINVAL);
	json_decref(bad);
	ASSERT_INT_EQ(registrar_set_policy(f.reg, NULL), 0);
	fixture_close(&f);
}
