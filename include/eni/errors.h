/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/errors.h
 * @brief Error codes, their messages and EC2 equivalents, and the
 *        thread-local record of the last failure.
 *
 * Every fallible libeni call returns ::ENI_OK (0) or a negative ::eni_err.
 * Out-parameters are left untouched on failure and the model is unchanged.
 * The calling thread's eni_error_last() then says what went wrong, including
 * the exact EC2 API error code (for example
 * `InvalidNetworkInterfaceID.NotFound`) where EC2 has one.
 *
 * Numbers are part of the ABI: they are never changed or reused. A retired
 * code becomes `ENI_E_RESERVED_nn`. Python maps each code to an exception
 * class, so the set stays small; the EC2 code carries the detail.
 *
 * @defgroup eni_errors Errors
 * @{
 */
#ifndef ENI_ERRORS_H
#define ENI_ERRORS_H

#include "common.h"

/**
 * @brief libeni error codes.
 *
 * Each code also has a symbolic name (eni_err_name()), a message
 * (eni_strerror()) and a default EC2 error code (eni_err_ec2_code()), all
 * kept in one table inside the library that is checked against this enum
 * when the library is compiled. Most failures record a more precise EC2 code
 * in eni_error::ec2_code than the default.
 */
typedef enum eni_err {
    ENI_OK = 0,          /**< Success. */
    ENI_EINVAL = -1,     /**< A bad argument: NULL, out of range, malformed string, wrong-kind id, unknown flag (EC2 InvalidParameterValue, *.Malformed). */
    ENI_ENOMEM = -2,     /**< An allocation failed; nothing was changed. */
    ENI_ENOTFOUND = -3,  /**< No object with that id or name in this ctx (EC2 *.NotFound). */
    ENI_ESTALE = -4,     /**< The id named an object that has since been deleted (EC2 *.NotFound). */
    ENI_EEXIST = -5,     /**< The object or rule already exists (EC2 *.Duplicate). */
    ENI_ESTATE = -6,     /**< The object's state forbids the call (EC2 IncorrectState, IncorrectInstanceState). */
    ENI_EDEPEND = -7,    /**< Other objects still depend on it (EC2 DependencyViolation). */
    ENI_ELIMIT = -8,     /**< A quota or per-type limit would be exceeded (EC2 *LimitExceeded). */
    ENI_EINUSE = -9,     /**< The address, index or object is taken (EC2 *.InUse, Resource.AlreadyAssigned). */
    ENI_EBUSY = -10,     /**< An operation on the object is already in progress. */
    ENI_ETIMEDOUT = -11, /**< A device or backend did not answer in time. */
    ENI_ENOTSUP = -12,   /**< The backend or build does not support the call (EC2 UnsupportedOperation). */
    ENI_EVERSION = -13,  /**< A struct size or backend ABI number this library does not accept. */
    ENI_EBACKEND = -14,  /**< The backend failed; eni_error::os_errno holds its errno. */
    ENI_EUSER = -15,     /**< A user callback asked to stop. */
    ENI_EPERM = -16,     /**< The call is never allowed on this object (EC2 OperationNotPermitted, CannotDelete). */
    ENI_EINTERNAL = -17, /**< An internal invariant does not hold: a libeni bug (EC2 InternalError). */
    ENI_EIO = -18,       /**< The state file could not be read or written (eni_error::os_errno, when known, says why); the call changed nothing. @since 1.0 */
    ENI_ECORRUPT = -19,  /**< The state file is damaged, truncated, or not a libeni state file; nothing was loaded and the file was not changed. @since 1.0 */
    ENI__ERR_LAST = -20  /**< One below the lowest code; not an error itself. */
} eni_err;

/**
 * @brief Details of the last failure on the calling thread.
 *
 * Returned by eni_error_last(). The record is thread-local and is only
 * written when a call fails, so it may describe an older failure: trust the
 * return code first, then read the record.
 */
typedef struct eni_error {
    int32_t code;         /**< The ::eni_err the failing call returned. */
    int32_t os_errno;     /**< errno from the OS or backend, or 0. */
    const char *message;  /**< Human-readable detail; valid until the next failure on this thread. Never NULL. */
    const char *ec2_code; /**< EC2 API error code (e.g. "InvalidGroup.NotFound"), "" if none. Static; never NULL. */
} eni_error;

ENI_BEGIN_DECLS

/**
 * @brief The static message for an error code.
 * @param[in] code An ::eni_err value (any int is accepted).
 * @return A static string; "unknown error" for a value that is not a code. Never NULL.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_strerror(int code);

/**
 * @brief The symbolic name of an error code.
 * @param[in] code An ::eni_err value (any int is accepted).
 * @return A static string such as "ENI_ENOTFOUND"; "ENI_EUNKNOWN" for a value that is not a code. Never NULL.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_err_name(int code);

/**
 * @brief The default EC2 API error code for an ::eni_err.
 * @param[in] code An ::eni_err value (any int is accepted).
 * @return A static string, "" when EC2 has no equivalent or @p code is unknown. Never NULL.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_err_ec2_code(int code);

/**
 * @brief The calling thread's record of its last failed libeni call.
 * @return A pointer to thread-local storage; never NULL. Before any failure
 *         the record holds ::ENI_OK, message "no error" and ec2_code "".
 * @since 1.0
 * @threadsafety any (each thread sees its own record)
 */
ENI_API const eni_error *eni_error_last(void);

/**
 * @brief Reset the calling thread's error record to ::ENI_OK.
 * @since 1.0
 * @threadsafety any
 */
ENI_API void eni_error_clear(void);

ENI_END_DECLS

/** @} */
#endif /* ENI_ERRORS_H */
