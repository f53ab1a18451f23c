/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/common.h
 * @brief Export, deprecation and linkage macros shared by every libeni header.
 *
 * Nothing here is needed to *call* libeni: the macros only decorate
 * declarations, so foreign-function interfaces that cannot see macros
 * (cffi in ABI mode, for instance) lose nothing.
 *
 * @defgroup eni_common Common definitions
 * @{
 */
#ifndef ENI_COMMON_H
#define ENI_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @def ENI_API
 * @brief Marks a function as part of libeni's exported interface.
 *
 * The library is built with hidden visibility; only declarations carrying
 * this macro are exported (and then only if the version script lists them).
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(ENI_BUILDING_LIBRARY)
#    define ENI_API __declspec(dllexport)
#  else
#    define ENI_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define ENI_API __attribute__((visibility("default")))
#else
#  define ENI_API
#endif

/**
 * @def ENI_DEPRECATED
 * @brief Marks a declaration as deprecated, with a hint naming its successor.
 *
 * Define `ENI_NO_DEPRECATED` before including libeni headers to hide
 * deprecated declarations altogether (see docs/deprecations.md).
 */
#if defined(__GNUC__) || defined(__clang__)
#  define ENI_DEPRECATED(msg) __attribute__((deprecated(msg)))
#elif defined(_MSC_VER)
#  define ENI_DEPRECATED(msg) __declspec(deprecated(msg))
#else
#  define ENI_DEPRECATED(msg)
#endif

/** @cond ENI_INTERNAL */
#ifdef __cplusplus
#  define ENI_BEGIN_DECLS extern "C" {
#  define ENI_END_DECLS }
#else
#  define ENI_BEGIN_DECLS
#  define ENI_END_DECLS
#endif
/** @endcond */

/** @} */
#endif /* ENI_COMMON_H */
