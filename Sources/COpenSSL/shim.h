// OpenSSL's libcrypto (Debian's libssl-dev), for HMAC-SHA256 message signatures of the
// Jupyter kernel and their constant-time comparison. No crypto is written in Hebb itself.
#ifndef HEBB_OPENSSL_SHIM_H
#define HEBB_OPENSSL_SHIM_H
#include <stddef.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/// HMAC-SHA256 of `data` under `key` into `digest` (32 bytes); returns 1 on success.
static inline int hebb_hmac_sha256(const void *key, int key_length, const unsigned char *data, size_t data_length,
                                   unsigned char *digest) {
    unsigned int length = 0;
    return HMAC(EVP_sha256(), key, key_length, data, data_length, digest, &length) != NULL && length == 32;
}

/// 1 when the `length` bytes at `a` and `b` are equal, compared in constant time.
static inline int hebb_constant_time_equal(const void *a, const void *b, size_t length) {
    return CRYPTO_memcmp(a, b, length) == 0;
}
#endif
