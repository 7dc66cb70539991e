/*
 * sha.c: SHA-1 and SHA-256 as FIPS 180-4 defines them, for the digests of
 * OVA manifests.
 *
 * Streaming: a disk of an OVA can be hundreds of gigabytes, so bytes go
 * through sha_update() in whatever pieces the reader has, and only the
 * 64-byte block in progress is kept.  The two algorithms share the padding
 * and the block buffer; they differ in the compression function and in how
 * many state words the digest has.
 */
#include <string.h>

#include "backend.h"

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
sha_rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t
sha_rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t
sha_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* FIPS 180-4 6.1.2: one 512-bit block into the SHA-1 state. */
static void
sha_block1(uint32_t h[8], const unsigned char *block)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = sha_be32(block + 4 * i);
	for (i = 16; i < 80; i++)
		w[i] = sha_rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) ^ (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) ^ (b & d) ^ (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = sha_rotl(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = sha_rotl(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

/* FIPS 180-4 6.2.2: one 512-bit block into the SHA-256 state. */
static void
sha_block256(uint32_t h[8], const unsigned char *block)
{
	uint32_t w[64], v[8], s0, s1, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = sha_be32(block + 4 * i);
	for (i = 16; i < 64; i++) {
		s0 = sha_rotr(w[i - 15], 7) ^ sha_rotr(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = sha_rotr(w[i - 2], 17) ^ sha_rotr(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof v);
	for (i = 0; i < 64; i++) {
		s1 = sha_rotr(v[4], 6) ^ sha_rotr(v[4], 11) ^
		    sha_rotr(v[4], 25);
		t1 = v[7] + s1 + ((v[4] & v[5]) ^ (~v[4] & v[6])) +
		    sha256_k[i] + w[i];
		s0 = sha_rotr(v[0], 2) ^ sha_rotr(v[0], 13) ^
		    sha_rotr(v[0], 22);
		t2 = s0 + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

static void
sha_block(struct sha_ctx *ctx, const unsigned char *block)
{
	if (ctx->algo == SHA_1)
		sha_block1(ctx->h, block);
	else
		sha_block256(ctx->h, block);
}

void
sha_init(struct sha_ctx *ctx, enum sha_algo algo)
{
	static const uint32_t h1[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};
	static const uint32_t h256[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f,
		0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memset(ctx, 0, sizeof *ctx);
	ctx->algo = algo;
	if (algo == SHA_1)
		memcpy(ctx->h, h1, sizeof h1);
	else
		memcpy(ctx->h, h256, sizeof h256);
}

void
sha_update(struct sha_ctx *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t take;

	ctx->len += len;
	if (ctx->nbuf > 0) {
		take = 64 - ctx->nbuf < len ? 64 - ctx->nbuf : len;
		memcpy(ctx->buf + ctx->nbuf, p, take);
		ctx->nbuf += take;
		p += take;
		len -= take;
		if (ctx->nbuf < 64)
			return;
		sha_block(ctx, ctx->buf);
		ctx->nbuf = 0;
	}
	/* Whole blocks straight from the caller's buffer, without a copy. */
	for (; len >= 64; p += 64, len -= 64)
		sha_block(ctx, p);
	if (len > 0) {
		memcpy(ctx->buf, p, len);
		ctx->nbuf = len;
	}
}

size_t
sha_hex_len(enum sha_algo algo)
{
	return algo == SHA_1 ? 40 : 64;
}

/*
 * Pad (FIPS 180-4 5.1.1: a 1 bit, zeros, the length in bits as 64 bits big
 * endian) and write the digest as lower-case hex into out, which holds
 * sha_hex_len() + 1 bytes.  The context is spent afterwards.
 */
void
sha_final(struct sha_ctx *ctx, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t bits = ctx->len * 8;
	size_t i, words = ctx->algo == SHA_1 ? 5 : 8;

	ctx->buf[ctx->nbuf++] = 0x80;
	if (ctx->nbuf > 56) {
		memset(ctx->buf + ctx->nbuf, 0, 64 - ctx->nbuf);
		sha_block(ctx, ctx->buf);
		ctx->nbuf = 0;
	}
	memset(ctx->buf + ctx->nbuf, 0, 56 - ctx->nbuf);
	for (i = 0; i < 8; i++)
		ctx->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_block(ctx, ctx->buf);
	for (i = 0; i < words * 4; i++) {
		unsigned char b = (unsigned char)(ctx->h[i / 4] >>
		    (24 - 8 * (i % 4)));

		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 0xf];
	}
	out[words * 8] = '\0';
}
