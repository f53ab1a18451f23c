/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Recording failures in the calling thread's eni_error record. */
#ifndef ENI_CORE_ERROR_INTERNAL_H
#define ENI_CORE_ERROR_INTERNAL_H

#include "eni/errors.h"

#if defined(__GNUC__) || defined(__clang__)
#  define ENI__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#  define ENI__PRINTF(fmt, args)
#endif

/* Record a failure and return `code`, so callers can write
 * `return eni__fail(ENI_EINVAL, "InvalidGroupId.Malformed", "...")`.
 * A NULL ec2_code selects the code's default from ENI_ERRNO_MAP. */
int eni__fail(int code, const char *ec2_code, const char *fmt, ...) ENI__PRINTF(3, 4);

/* As eni__fail, with the errno the OS or a backend reported. */
int eni__fail_os(int code, int os_errno, const char *ec2_code, const char *fmt, ...)
    ENI__PRINTF(4, 5);

/* The thread's error record, kept aside while cleanup that may record
 * errors of its own runs, then put back (prefix: "" or words before the
 * message). eni__error_restore returns the saved code. */
enum { ENI__ERROR_MESSAGE_MAX = 256 };
struct eni_error_saved {
    eni_error e;
    char message[ENI__ERROR_MESSAGE_MAX];
};
void eni__error_save(struct eni_error_saved *s);
int eni__error_restore(const struct eni_error_saved *s, const char *prefix);

/* Log the failure just recorded at ENI_LOG_DEBUG, when the thread is inside
 * a libeni call on a ctx that logs at that level (log.c). */
void eni__log_refusal(void);

#endif
