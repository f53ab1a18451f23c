/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "kind.h"

/* EC2's own spellings, capitalisation included (ID vs Id differs by code). */
static const struct eni_kind_info kinds[ENI__KIND_COUNT] = {
    [ENI_KIND_VPC] = {"vpc-", "VPC", "InvalidVpcID.NotFound", "InvalidVpcID.Malformed"},
    [ENI_KIND_SUBNET] = {"subnet-", "subnet", "InvalidSubnetID.NotFound",
                         "InvalidSubnetID.Malformed"},
    [ENI_KIND_INSTANCE] = {"i-", "instance", "InvalidInstanceID.NotFound",
                           "InvalidInstanceID.Malformed"},
    [ENI_KIND_NIC] = {"eni-", "network interface", "InvalidNetworkInterfaceID.NotFound",
                      "InvalidNetworkInterfaceId.Malformed"},
    [ENI_KIND_ATTACHMENT] = {"eni-attach-", "attachment", "InvalidAttachmentID.NotFound",
                             "InvalidNetworkInterfaceAttachmentId.Malformed"},
    [ENI_KIND_EIP] = {"eipalloc-", "Elastic IP allocation", "InvalidAllocationID.NotFound",
                      "InvalidAllocationID.Malformed"},
    [ENI_KIND_EIP_ASSOC] = {"eipassoc-", "Elastic IP association",
                            "InvalidAssociationID.NotFound", "InvalidAssociationID.Malformed"},
    [ENI_KIND_SG] = {"sg-", "security group", "InvalidGroup.NotFound", "InvalidGroupId.Malformed"},
    [ENI_KIND_SG_RULE] = {"sgr-", "security group rule", "InvalidSecurityGroupRuleId.NotFound",
                          "InvalidSecurityGroupRuleId.Malformed"},
    [ENI_KIND_PREFIX_LIST] = {"pl-", "prefix list", "InvalidPrefixListID.NotFound",
                              "InvalidPrefixListId.Malformed"},
    [ENI_KIND_NETWORK_ACL] = {"acl-", "network ACL", "InvalidNetworkAclID.NotFound",
                              "InvalidNetworkAclId.Malformed"},
};

bool eni__kind_valid(unsigned kind)
{
    return kind > ENI_KIND_NONE && kind < ENI__KIND_COUNT;
}

const struct eni_kind_info *eni__kind_info(unsigned kind)
{
    return eni__kind_valid(kind) ? &kinds[kind] : NULL;
}

const char *eni_kind_prefix(eni_kind kind)
{
    const struct eni_kind_info *info = eni__kind_info((unsigned)kind);
    return info ? info->prefix : "";
}
