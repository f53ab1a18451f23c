#include "abi_struct.h"

#include <stdint.h>
#include <string.h>

bool eni__struct_copy_in(void *dst, size_t own_size, const void *src, size_t caller_size,
                        size_t min_size)
{
    if (caller_size < min_size)
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
    if (caller_size < min_size)
        return false;
    uint32_t size_field;
    memcpy(&size_field, dst, sizeof size_field);
    size_t n = caller_size < own_size ? caller_size : own_size;
    memcpy(dst, src, n);
    if (caller_size > own_size)
        memset((unsigned char *)dst + own_size, 0, caller_size - own_size);
    memcpy(dst, &size_field, sizeof size_field); /* the caller's size stays */
    return true;
}
