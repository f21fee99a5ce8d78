/*
 * InputEncryption (divergence 2): the stored input is Connect's AWS
 * Encryption SDK message, which the holder of the private key decrypts
 * (this test does, as Connect's decryption sample would: RSA-OAEP-SHA512
 * data key, HKDF-SHA512 key with commitment, AES-256-GCM header and final
 * frame); a key missing from the configuration or a certificate that key
 * does not verify takes the error branch; nothing is stored in clear.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include "fake_ops.h"
#include "test.h"

enum { MSG_ID = 32, KEY = 32, IV = 12, TAG = 16 };

struct rd {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static const uint8_t *take(struct rd *r, size_t n)
{
	const uint8_t *p = r->p + r->off;

	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	r->off += n;
	return p;
}

static uint32_t be(struct rd *r, size_t n)
{
	const uint8_t *p = take(r, n);
	uint32_t v = 0;
	size_t i;

	for (i = 0; p && i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int hkdf(uint8_t *out, const uint8_t *ikm, const uint8_t *salt,
		const uint8_t *info, size_t infolen)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t n = KEY;
	int ok;

	ok = c && EVP_PKEY_derive_init(c) > 0 &&
		EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha512()) > 0 &&
		EVP_PKEY_CTX_set1_hkdf_salt(c, salt, MSG_ID) > 0 &&
		EVP_PKEY_CTX_set1_hkdf_key(c, ikm, KEY) > 0 &&
		EVP_PKEY_CTX_add1_hkdf_info(c, info, (int)infolen) > 0 &&
		EVP_PKEY_derive(c, out, &n) > 0;
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : EPROTO;
}

/* AES-256-GCM decrypt (ct may be empty: an authentication only). */
static int gcm_open(uint8_t *pt, const uint8_t *key, const uint8_t *iv,
		    const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
		    size_t aad2len, const uint8_t *ct, size_t ctlen,
		    const uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t fin[16];
	int n, ok;

	ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv) &&
		EVP_DecryptUpdate(c, NULL, &n, aad1, (int)aad1len) &&
		(!aad2len ||
		 EVP_DecryptUpdate(c, NULL, &n, aad2, (int)aad2len)) &&
		(!ctlen || EVP_DecryptUpdate(c, pt, &n, ct, (int)ctlen)) &&
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG,
				    (void *)tag) &&
		EVP_DecryptFinal_ex(c, fin, &n) > 0;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : EBADMSG;
}

/* The plaintext of a base64 message, with the key id it names. */
static int esdk_decrypt(char *out, size_t outsz, char *key_id, size_t kidsz,
			const char *b64)
{
	static const char final_aad[] = "AWSKMSEncryptionClient Final Frame";
	uint8_t msg[4096], dk[512], ek[KEY], ck[KEY], info[2 + 9];
	uint8_t faad[MSG_ID + sizeof(final_aad) - 1 + 4 + 8];
	const uint8_t *mid, *edk = NULL, *commit, *htag, *iv, *ct, *tag;
	size_t len = sizeof(msg), dklen = sizeof(dk), hdrlen, edklen = 0;
	uint32_t n, i, suite, clen, seq;
	EVP_PKEY *priv = NULL;
	EVP_PKEY_CTX *pc = NULL;
	struct rd r;
	FILE *fp;
	int err = EBADMSG;

	if (base64_decode(b64, strlen(b64), msg, &len))
		return EBADMSG;
	memset(&r, 0, sizeof(r));
	r.p = msg;
	r.len = len;

	if (be(&r, 1) != 2)
		return EBADMSG;
	suite = be(&r, 2);
	if (suite != 0x0478)
		return EBADMSG;
	mid = take(&r, MSG_ID);
	if (be(&r, 2) != 0)		/* empty encryption context */
		return EBADMSG;
	n = be(&r, 2);
	for (i = 0; i < n && !r.bad; i++) {
		uint32_t l = be(&r, 2);
		const uint8_t *pid = take(&r, l);
		uint32_t il = be(&r, 2);
		const uint8_t *pinfo = take(&r, il);

		edklen = be(&r, 2);
		edk = take(&r, edklen);
		if (!pid || l != 13 || memcmp(pid, "AmazonConnect", 13) ||
		    !pinfo || il >= kidsz)
			return EBADMSG;
		memcpy(key_id, pinfo, il);
		key_id[il] = '\0';
	}
	if (be(&r, 1) != 2)		/* framed */
		return EBADMSG;
	(void)be(&r, 4);		/* frame length */
	commit = take(&r, KEY);
	hdrlen = r.off;
	htag = take(&r, TAG);
	if (r.bad || !edk)
		return EBADMSG;

	fp = fopen(CFD_TEST_DATA "/encryption/private.pem", "r");
	if (fp) {
		priv = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
		fclose(fp);
	}
	pc = priv ? EVP_PKEY_CTX_new(priv, NULL) : NULL;
	if (!pc || EVP_PKEY_decrypt_init(pc) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(pc, EVP_sha512()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pc, EVP_sha512()) <= 0 ||
	    EVP_PKEY_decrypt(pc, dk, &dklen, edk, edklen) <= 0 ||
	    dklen != KEY)
		goto out;

	info[0] = (uint8_t)(suite >> 8);
	info[1] = (uint8_t)suite;
	memcpy(info + 2, "DERIVEKEY", 9);
	if (hkdf(ek, dk, mid, info, sizeof(info)) ||
	    hkdf(ck, dk, mid, (const uint8_t *)"COMMITKEY", 9) ||
	    memcmp(ck, commit, KEY))
		goto out;

	/* the header's tag: an empty GCM message over the header */
	{
		static const uint8_t zero_iv[IV];

		if (gcm_open(NULL, ek, zero_iv, msg, hdrlen, NULL, 0, NULL, 0,
			     htag))
			goto out;
	}

	if (be(&r, 4) != 0xffffffff)
		goto out;
	seq = be(&r, 4);
	iv = take(&r, IV);
	clen = be(&r, 4);
	ct = take(&r, clen);
	tag = take(&r, TAG);
	if (r.bad || r.off != r.len || clen + 1 > outsz)
		goto out;

	memcpy(faad, mid, MSG_ID);
	memcpy(faad + MSG_ID, final_aad, sizeof(final_aad) - 1);
	for (i = 0; i < 4; i++)
		faad[MSG_ID + sizeof(final_aad) - 1 + i] =
			(uint8_t)(seq >> (24 - 8 * i));
	for (i = 0; i < 8; i++)
		faad[MSG_ID + sizeof(final_aad) - 1 + 4 + i] =
			(uint8_t)((uint64_t)clen >> (56 - 8 * i));
	if (gcm_open((uint8_t *)out, ek, iv, faad, sizeof(faad), NULL, 0, ct,
		     clen, tag))
		goto out;
	out[clen] = '\0';
	err = 0;

 out:
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(priv);
	return err;
}


static char *dq(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return d;
}

/* The secure-input shape of AWS's samples: a PIN stored encrypted. */
static char *pin_flow(const char *key_id, const char *cert)
{
	char *tmpl = dq(
		"{'Version':'2019-10-30','StartAction':'pin','Actions':["
		"{'Identifier':'pin','Type':'GetParticipantInput','Parameters':"
		"{'Text':'Your PIN','StoreInput':'True',"
		"'InputTimeLimitSeconds':'5','InputEncryption':"
		"{'EncryptionKeyId':'%s'%s%s%s},"
		"'DTMFConfiguration':{'InputTerminationSequence':'#'}},"
		"'Transitions':{'NextAction':'copy','Errors':[{'ErrorType':"
		"'NoMatchingError','NextAction':'fail'}]}},"
		"{'Identifier':'copy','Type':'UpdateContactAttributes',"
		"'Parameters':{'Attributes':{'pin':'$.StoredCustomerInput'}},"
		"'Transitions':{'NextAction':'bye'}},"
		"{'Identifier':'fail','Type':'MessageParticipant','Parameters':"
		"{'Text':'cannot keep it'},'Transitions':{'NextAction':'bye'}},"
		"{'Identifier':'bye','Type':'DisconnectParticipant',"
		"'Parameters':{},'Transitions':{}}]}");
	char *out = NULL;

	(void)re_sdprintf(&out, tmpl, key_id, cert ? ",\"Key\":\"" : "",
			  cert ? cert : "", cert ? "\"" : "");
	free(tmpl);
	return out;
}


static int run_pin(struct fake_run *fr, struct fake_ops *f,
		   const struct config *cfg, const char *key_id,
		   const char *certfile)
{
	char *cert = certfile ? fake_pem_json(certfile) : NULL;
	char *json = pin_flow(key_id, cert);
	int err;

	fake_ops_init(f);
	f->cfg = cfg;
	f->keys = "918273#";
	err = fake_run_start(fr, f, json);
	mem_deref(cert);
	mem_deref(json);
	return err;
}


TEST(stored_input_is_the_ciphertext_the_key_holder_reads)
{
	struct config *cfg = NULL;
	struct fake_ops f;
	struct fake_run fr;
	char plain[64], kid[64];
	const char *pin;

	ASSERT_INT_EQ(fake_enc_config(&cfg, "key-42"), 0);
	ASSERT_INT_EQ(run_pin(&fr, &f, cfg, "key-42", "certificate.pem"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "pin NextAction"));

	/* the stored value and the record's attribute: ciphertext only */
	ASSERT_NOT_NULL(fr.cd->stored_input);
	ASSERT_NULL(strstr(fr.cd->stored_input, "918273"));
	pin = strmap_get(fr.cd->attrs, "pin");
	ASSERT_NOT_NULL(pin);
	ASSERT_STR_EQ(pin, fr.cd->stored_input);
	ASSERT_NULL(strstr(fr.trace, "918273"));

	ASSERT_INT_EQ(esdk_decrypt(plain, sizeof(plain), kid, sizeof(kid),
				   pin), 0);
	ASSERT_STR_EQ(plain, "918273");
	ASSERT_STR_EQ(kid, "key-42");
	fake_run_close(&fr);

	/* no certificate in the flow: the configured key itself */
	ASSERT_INT_EQ(run_pin(&fr, &f, cfg, "key-42", NULL), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "pin NextAction"));
	ASSERT_INT_EQ(esdk_decrypt(plain, sizeof(plain), kid, sizeof(kid),
				   fr.cd->stored_input), 0);
	ASSERT_STR_EQ(plain, "918273");
	fake_run_close(&fr);

	/* every message is new (fresh data key and message id) */
	{
		char *first = NULL;

		ASSERT_INT_EQ(run_pin(&fr, &f, cfg, "key-42", NULL), 0);
		ASSERT_INT_EQ(str_dup(&first, fr.cd->stored_input), 0);
		fake_run_close(&fr);
		ASSERT_INT_EQ(run_pin(&fr, &f, cfg, "key-42", NULL), 0);
		ASSERT_TRUE(strcmp(first, fr.cd->stored_input) != 0);
		mem_deref(first);
		fake_run_close(&fr);
	}
	mem_deref(cfg);
}


TEST(bad_or_missing_key_takes_the_error_branch_never_clear_text)
{
	struct config *cfg = NULL;
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_INT_EQ(fake_enc_config(&cfg, "key-42"), 0);

	/* a KeyId the configuration does not have */
	ASSERT_INT_EQ(run_pin(&fr, &f, cfg, "other", "certificate.pem"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "pin NoMatchingError"));
	ASSERT_NULL(fr.cd->stored_input);
	ASSERT_NULL(strmap_get(fr.cd->attrs, "pin"));
	fake_run_close(&fr);

	/* a certificate the configured key did not sign */
	ASSERT_INT_EQ(run_pin(&fr, &f, cfg, "key-42",
			      "other-certificate.pem"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "pin NoMatchingError"));
	ASSERT_NULL(fr.cd->stored_input);
	fake_run_close(&fr);

	/* no configuration at all */
	ASSERT_INT_EQ(run_pin(&fr, &f, NULL, "key-42", "certificate.pem"),
		      0);
	ASSERT_TRUE(fake_has_line(fr.trace, "pin NoMatchingError"));
	ASSERT_NULL(fr.cd->stored_input);
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT cannot keep it"));
	fake_run_close(&fr);
	mem_deref(cfg);
}
