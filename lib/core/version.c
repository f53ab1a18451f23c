#include "eni/version.h"

uint32_t eni_version(void)
{
    return ENI_VERSION_NUMBER;
}

const char *eni_version_string(void)
{
    return ENI_VERSION_STRING;
}
