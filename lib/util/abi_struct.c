/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "abi_struct.h"

#include "eni/types.h"

#include <stdint.h>
#include <string.h>

bool eni__struct_copy_in(void *dst, size_t own_size, const void *src, size_t caller_size,
                        size_t min_size)
{
    if (caller_size < min_size || caller_size > ENI_STRUCT_SIZE_MAX)
        return false;
    if (caller_size > own_size) {
        const unsigned char *tail = (const unsigned char *)src + own_size;
        for (size_t i = 0; i < caller_size - own_size; i++)
            if (tail[i] != 0)
                return false;
    }
    size_t n = caller_size < own_size ? caller_size : own_size;
    memcpy(dst, src, n);
    memset((unsigned char *)dst + n, 0, own_size - n);
    return true;
}

bool eni__struct_copy_out(void *dst, size_t caller_size, const void *src, size_t own_size,
                         size_t min_size)
{
    if (caller_size < min_size || caller_size > ENI_STRUCT_SIZE_MAX)
        return false;
    uint32_t size_field;
    memcpy(&size_field, dst, sizeof size_field);
    /* Never past our own layout: bytes a newer caller struct has beyond it
     * were set by its _INIT macro, and a size that merely claims more (an
     * uninitialised field below the maximum) must not cost a write past the
     * end of the caller's struct. */
    size_t n = caller_size < own_size ? caller_size : own_size;
    memcpy(dst, src, n);
    memcpy(dst, &size_field, sizeof size_field); /* the caller's size stays */
    return true;
}
