/**
 * @file encrypt.c  Connect's encryption of stored customer input
 * (GetParticipantInput / Set touchtone buffer behavior InputEncryption).
 *
 * As in Amazon Connect, the input is encrypted with the public key of an
 * X.509 certificate: the flow's InputEncryption.Key, whose signature the
 * key the configuration holds under InputEncryption.EncryptionKeyId must
 * verify (encryption_keys); without a Key in the flow, the configured key
 * (a public key or a certificate) itself. The stored value is what
 * Connect stores, a base64 AWS Encryption SDK message that only the
 * holder of the private key can read (its decryption samples work on it):
 *
 *  - algorithm suite 0x0478, AES-256-GCM with an HKDF-SHA512 derived key
 *    and key commitment, message format 2, no signature;
 *  - one encrypted data key from key provider "AmazonConnect", key info
 *    the KeyId, wrapped with RSA-OAEP (SHA-512, MGF1 SHA-512), as
 *    Connect's JceMasterKey sample expects;
 *  - an empty encryption context and one framed final frame.
 *
 * A missing or bad key, or a certificate the key does not verify, is an
 * error (the action's error branch); nothing is ever stored in clear.
 */
#include <errno.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/util.h>
#include "actions.h"

#define PROVIDER_ID   "AmazonConnect"
#define SUITE_ID      0x0478
#define FRAME_LEN     4096
#define FINAL_AAD     "AWSKMSEncryptionClient Final Frame"

enum {
	MSG_ID_LEN = 32,
	DATA_KEY_LEN = 32,
	IV_LEN = 12,
	TAG_LEN = 16,
	RSA_MIN_BITS = 2048,
};

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool err;
};


static void put(struct wbuf *w, const void *d, size_t n)
{
	if (w->err)
		return;
	if (w->len + n > w->cap) {
		size_t cap = (w->len + n) * 2 + 64;
		uint8_t *p = w->p ? mem_realloc(w->p, cap)
				  : mem_alloc(cap, NULL);

		if (!p) {
			w->err = true;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}


static void put_be(struct wbuf *w, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	put(w, b, n);
}


/* HKDF-SHA512 with salt = message id, ikm = data key. */
static int hkdf(uint8_t *out, size_t outlen, const uint8_t *key,
		const uint8_t *salt, const uint8_t *info, size_t infolen)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t len = outlen;
	int ok;

	ok = ctx && EVP_PKEY_derive_init(ctx) > 0 &&
		EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha512()) > 0 &&
		EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, MSG_ID_LEN) > 0 &&
		EVP_PKEY_CTX_set1_hkdf_key(ctx, key, DATA_KEY_LEN) > 0 &&
		EVP_PKEY_CTX_add1_hkdf_info(ctx, info, (int)infolen) > 0 &&
		EVP_PKEY_derive(ctx, out, &len) > 0 && len == outlen;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : EPROTO;
}


/* AES-256-GCM of pt (may be empty) with aad; ciphertext into ct. */
static int gcm(uint8_t *ct, uint8_t *tag, const uint8_t *key,
	       const uint8_t *iv, const uint8_t *aad, size_t aadlen,
	       const uint8_t *pt, size_t ptlen)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t none[TAG_LEN];
	int n = 0, ok;

	/* GCM's final step writes nothing: any buffer will do */
	if (!ct)
		ct = none;
	ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
				       iv) == 1 &&
		EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) == 1 &&
		(!ptlen || EVP_EncryptUpdate(ctx, ct, &n, pt,
					     (int)ptlen) == 1) &&
		EVP_EncryptFinal_ex(ctx, ct + (ptlen ? n : 0), &n) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
				    tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : EPROTO;
}


static int rsa_wrap(uint8_t **outp, size_t *outlen, EVP_PKEY *pub,
		    const uint8_t *key, size_t keylen)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	uint8_t *out = NULL;
	size_t len = 0;
	int ok;

	ok = ctx && EVP_PKEY_encrypt_init(ctx) > 0 &&
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
		EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha512()) > 0 &&
		EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha512()) > 0 &&
		EVP_PKEY_encrypt(ctx, NULL, &len, key, keylen) > 0;
	if (ok) {
		out = mem_alloc(len, NULL);
		ok = out && EVP_PKEY_encrypt(ctx, out, &len, key, keylen) > 0;
	}
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		mem_deref(out);
		return EPROTO;
	}
	*outp = out;
	*outlen = len;
	return 0;
}


/* The AWS Encryption SDK message of pt for pub (see the file comment). */
static int esdk_message(struct wbuf *w, EVP_PKEY *pub, const char *key_name,
			const uint8_t *pt, size_t ptlen)
{
	static const uint8_t zero_iv[IV_LEN];
	uint8_t data_key[DATA_KEY_LEN], msg_id[MSG_ID_LEN];
	uint8_t enc_key[32], commit[32], tag[TAG_LEN], iv[IV_LEN];
	uint8_t info[2 + 9];
	uint8_t *edk = NULL, *ct = NULL;
	struct wbuf aad = {0};
	size_t edklen = 0, hdrlen, klen = strlen(key_name);
	int err;

	if (klen > UINT16_MAX || ptlen >= FRAME_LEN)
		return EINVAL;

	err  = util_random(data_key, sizeof(data_key));
	err |= util_random(msg_id, sizeof(msg_id));
	if (err)
		return EIO;

	info[0] = SUITE_ID >> 8;
	info[1] = SUITE_ID & 0xff;
	memcpy(info + 2, "DERIVEKEY", 9);
	err = hkdf(enc_key, sizeof(enc_key), data_key, msg_id, info,
		   sizeof(info));
	if (!err)
		err = hkdf(commit, sizeof(commit), data_key, msg_id,
			   (const uint8_t *)"COMMITKEY", 9);
	if (!err)
		err = rsa_wrap(&edk, &edklen, pub, data_key, sizeof(data_key));
	if (err)
		goto out;

	/* header body, format 2 */
	put_be(w, 0x02, 1);
	put_be(w, SUITE_ID, 2);
	put(w, msg_id, sizeof(msg_id));
	put_be(w, 0, 2);			/* empty encryption context */
	put_be(w, 1, 2);			/* one encrypted data key */
	put_be(w, sizeof(PROVIDER_ID) - 1, 2);
	put(w, PROVIDER_ID, sizeof(PROVIDER_ID) - 1);
	put_be(w, klen, 2);
	put(w, key_name, klen);
	put_be(w, edklen, 2);
	put(w, edk, edklen);
	put_be(w, 0x02, 1);			/* framed */
	put_be(w, FRAME_LEN, 4);
	put(w, commit, sizeof(commit));
	if (w->err) {
		err = ENOMEM;
		goto out;
	}
	hdrlen = w->len;

	/* header authentication: the body as AAD, IV zero, no plaintext */
	err = gcm(NULL, tag, enc_key, zero_iv, w->p, hdrlen, NULL, 0);
	if (err)
		goto out;
	put(w, tag, sizeof(tag));

	/* the final (and only) frame, sequence number 1 */
	ct = mem_alloc(ptlen + 1, NULL);
	if (!ct) {
		err = ENOMEM;
		goto out;
	}
	memset(iv, 0, sizeof(iv));
	iv[IV_LEN - 1] = 1;
	put(&aad, msg_id, sizeof(msg_id));
	put(&aad, FINAL_AAD, sizeof(FINAL_AAD) - 1);
	put_be(&aad, 1, 4);
	put_be(&aad, ptlen, 8);
	if (aad.err) {
		err = ENOMEM;
		goto out;
	}
	err = gcm(ct, tag, enc_key, iv, aad.p, aad.len, pt, ptlen);
	if (err)
		goto out;

	put_be(w, 0xffffffffu, 4);		/* sequence number end */
	put_be(w, 1, 4);
	put(w, iv, sizeof(iv));
	put_be(w, ptlen, 4);
	put(w, ct, ptlen);
	put(w, tag, sizeof(tag));
	if (w->err)
		err = ENOMEM;

 out:
	OPENSSL_cleanse(data_key, sizeof(data_key));
	OPENSSL_cleanse(enc_key, sizeof(enc_key));
	if (ct) {
		OPENSSL_cleanse(ct, ptlen);
		mem_deref(ct);
	}
	mem_deref(edk);
	mem_deref(aad.p);
	return err;
}


static BIO *pem_bio(const char *pem)
{
	return BIO_new_mem_buf(pem, -1);
}


/* A PEM public key, or a certificate's key. */
static EVP_PKEY *configured_key(const char *pem)
{
	EVP_PKEY *k = NULL;
	X509 *x;
	BIO *b;

	b = pem_bio(pem);
	if (!b)
		return NULL;
	if (strstr(pem, "CERTIFICATE-----")) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		if (x)
			k = X509_get_pubkey(x);
		X509_free(x);
	}
	else {
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	}
	BIO_free(b);
	return k;
}


/* The key to encrypt with: the flow's certificate, verified by the
 * configured key, or the configured key itself. */
static int encryption_key(EVP_PKEY **kp, struct frun *run,
			  const struct flow_action *act, const char *key_id,
			  const char *cert)
{
	const struct config *cfg = frun_env(run)->cfg;
	const struct cfg_encryption_key *ck;
	EVP_PKEY *conf, *k = NULL;
	X509 *x = NULL;
	BIO *b;

	ck = config_encryption_key(cfg, key_id);
	if (!ck) {
		action_warn(run, act, "InputEncryption: key \"%s\" is not in "
			    "the configuration (encryption_keys)", key_id);
		return ENOENT;
	}
	conf = configured_key(ck->pem);
	if (!conf) {
		action_warn(run, act, "InputEncryption: %s holds no usable "
			    "public key", ck->path);
		return EINVAL;
	}
	if (!str_isset(cert)) {
		*kp = conf;
		return 0;
	}

	b = pem_bio(cert);
	if (b)
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!x) {
		action_warn(run, act, "InputEncryption: Key is not a PEM "
			    "certificate");
		EVP_PKEY_free(conf);
		return EINVAL;
	}
	if (X509_verify(x, conf) != 1) {
		action_warn(run, act, "InputEncryption: the certificate is not "
			    "signed by key \"%s\"", key_id);
		X509_free(x);
		EVP_PKEY_free(conf);
		return EACCES;
	}
	k = X509_get_pubkey(x);
	X509_free(x);
	EVP_PKEY_free(conf);
	if (!k)
		return EINVAL;

	*kp = k;
	return 0;
}


int input_encrypt(char **b64p, struct frun *run,
		  const struct flow_action *act, const char *plain)
{
	const struct fparam *enc = fparam_get(&act->params,
					      "InputEncryption");
	char *key_id = NULL, *cert = NULL, *out = NULL;
	struct wbuf w = {0};
	EVP_PKEY *k = NULL;
	size_t olen;
	int err;

	if (!b64p || !plain)
		return EINVAL;

	err  = aparam_dup_opt(run, fparam_get(enc, "EncryptionKeyId"),
			      &key_id);
	err |= aparam_dup_opt(run, fparam_get(enc, "Key"), &cert);
	if (err) {
		err = ENOMEM;
		goto out;
	}
	if (!str_isset(key_id)) {
		action_warn(run, act, "InputEncryption without an "
			    "EncryptionKeyId");
		err = EINVAL;
		goto out;
	}

	err = encryption_key(&k, run, act, key_id, cert);
	if (err)
		goto out;
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(k) < RSA_MIN_BITS) {
		action_warn(run, act, "InputEncryption: key \"%s\" is not an "
			    "RSA key of at least %d bits", key_id,
			    RSA_MIN_BITS);
		err = EINVAL;
		goto out;
	}

	err = esdk_message(&w, k, key_id, (const uint8_t *)plain,
			   strlen(plain));
	if (err) {
		action_warn(run, act, "InputEncryption: encryption failed "
			    "(%s)", strerror(err));
		goto out;
	}

	olen = (w.len + 2) / 3 * 4 + 1;
	out = mem_alloc(olen, NULL);
	if (!out) {
		err = ENOMEM;
		goto out;
	}
	err = base64_encode(w.p, w.len, out, &olen);
	if (err)
		goto out;
	out[olen] = '\0';

	*b64p = out;
	out = NULL;

 out:
	EVP_PKEY_free(k);
	mem_deref(key_id);
	mem_deref(cert);
	mem_deref(out);
	mem_deref(w.p);
	return err;
}
