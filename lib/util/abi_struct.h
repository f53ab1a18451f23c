/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Size-first struct copy-in (the kernel's copy_struct_from_user rule).
 *
 * Callers pass structs whose first member is `uint32_t size`. The library
 * copies min(caller, own) bytes and zero-fills the rest, so programs built
 * against older or newer headers keep working. A caller struct smaller than
 * the first published layout, or larger with non-zero bytes the library does
 * not know, is refused: silently ignoring a field the caller set would change
 * behaviour behind its back. So is a size above ENI_STRUCT_SIZE_MAX, before a
 * byte past the caller's struct is read. */
#ifndef ENI_UTIL_ABI_STRUCT_H
#define ENI_UTIL_ABI_STRUCT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true and fills dst (own_size bytes) when src is acceptable.
 * caller_size is read from src's first uint32_t by the caller. */
bool eni__struct_copy_in(void *dst, size_t own_size, const void *src, size_t caller_size,
                        size_t min_size);

/* Size-first copy-out for output structs: the caller set dst's size field;
 * write min(caller, own) bytes of src (never past our layout) and keep the
 * caller's size. False (nothing written) when caller_size is below the first
 * published layout or above ENI_STRUCT_SIZE_MAX. */
bool eni__struct_copy_out(void *dst, size_t caller_size, const void *src, size_t own_size,
                         size_t min_size);

#endif
