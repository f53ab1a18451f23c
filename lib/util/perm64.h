/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A keyed bijection on 64-bit values (a four-round Feistel network).
 *
 * Used to turn generational ids into EC2-looking id strings: the output looks
 * random, differs per key, and decodes back exactly, so no reverse table is
 * needed to parse an id string. It is not encryption and makes no secrecy
 * claim; it only has to be a permutation, which a Feistel network is for any
 * round function. */
#ifndef ENI_UTIL_PERM64_H
#define ENI_UTIL_PERM64_H

#include <stdint.h>

uint64_t eni__perm64_encode(uint64_t value, uint64_t key);
uint64_t eni__perm64_decode(uint64_t value, uint64_t key);

#endif
