/* sha256.h: SHA-256 (FIPS 180-4), for the manifest's spec_sha256. */
#ifndef NNLAB_SHA256_H
#define NNLAB_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* hex receives 64 lowercase hex digits and a NUL. */
void nn_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
