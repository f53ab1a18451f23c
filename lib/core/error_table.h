/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The one table of libeni error codes: X(name, value, message, default EC2 code).
 *
 * eni_strerror(), eni_err_name() and eni_err_ec2_code() are generated from
 * it, and error.c checks at compile time that every row matches the public
 * enum in eni/errors.h and that no enum value is missing. (The enum itself is
 * written out in the header so Doxygen can document each value.)
 * An empty EC2 code means EC2 has no equivalent. */
#ifndef ENI_CORE_ERROR_TABLE_H
#define ENI_CORE_ERROR_TABLE_H

#define ENI_ERRNO_MAP(X)                                                        \
    X(OK,         0, "success", "")                                            \
    X(EINVAL,    -1, "invalid argument", "InvalidParameterValue")              \
    X(ENOMEM,    -2, "out of memory", "InternalError")                         \
    X(ENOTFOUND, -3, "no such object", "InvalidID")                            \
    X(ESTALE,    -4, "id refers to an object that was deleted", "InvalidID")   \
    X(EEXIST,    -5, "object already exists", "InvalidParameterValue")         \
    X(ESTATE,    -6, "object is in the wrong state", "IncorrectState")         \
    X(EDEPEND,   -7, "object still has dependents", "DependencyViolation")     \
    X(ELIMIT,    -8, "limit exceeded", "ResourceLimitExceeded")                \
    X(EINUSE,    -9, "resource is in use", "InvalidParameterValue")            \
    X(EBUSY,    -10, "operation already in progress", "IncorrectState")        \
    X(ETIMEDOUT,-11, "operation timed out", "")                                \
    X(ENOTSUP,  -12, "operation not supported", "UnsupportedOperation")        \
    X(EVERSION, -13, "struct size or ABI version not supported", "")           \
    X(EBACKEND, -14, "backend failure", "InternalError")                       \
    X(EUSER,    -15, "stopped by a user callback", "")                         \
    X(EPERM,    -16, "operation not permitted", "OperationNotPermitted")      \
    X(EINTERNAL,-17, "internal invariant violated", "InternalError")            \
    X(EIO,      -18, "state file input/output failed", "InternalError")        \
    X(ECORRUPT, -19, "state file damaged or foreign", "")

#endif
