/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "eni/version.h"

uint32_t eni_version(void)
{
    return ENI_VERSION_NUMBER;
}

const char *eni_version_string(void)
{
    return ENI_VERSION_STRING;
}
