#include "abi_struct.h"

#include <string.h>

bool eni_struct_copy_in(void *dst, size_t own_size, const void *src, size_t caller_size,
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
