# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Several IPv6 blocks per VPC through the bindings (docs/decisions.md D33:
5 by default, adjustable up to 50; Amazon-provided and given ones mixed)."""
import pytest

import libeni
from libeni import (AclEntry, InUseError, InvalidParameterError, LimitExceededError,
                    NotFoundError, Reason, TrafficDirection)


def test_s10_3_five_ipv6_blocks_then_cidr_limit(ctx):
    vpc = ctx.create_vpc("10.0.0.0/16", amazon_provided_ipv6_cidr_block=True)
    first = vpc.ipv6_cidr_block
    assert vpc.associate_cidr_block("2001:db8:0:ff00::/56") == "2001:db8:0:ff00::/56"
    more = [vpc.associate_cidr_block(amazon_provided_ipv6_cidr_block=True) for _ in range(3)]
    assert vpc.ipv6_cidr_blocks == [first, "2001:db8:0:ff00::/56"] + more
    assert vpc.cidr_blocks == ["10.0.0.0/16"] + vpc.ipv6_cidr_blocks
    assert vpc.ipv6_cidr_block == first
    before = ctx.dump()
    with pytest.raises(LimitExceededError) as e:
        vpc.associate_cidr_block(amazon_provided_ipv6_cidr_block=True)
    assert e.value.ec2_code == "CidrLimitExceeded"
    assert "maximum number of allowed CIDRs: 5" in e.value.message
    assert ctx.dump() == before
    # the quota is adjustable, up to 50
    assert ctx.quotas.ipv6_cidr_blocks_per_vpc == 5
    with pytest.raises(InvalidParameterError):
        ctx.set_quotas(ipv6_cidr_blocks_per_vpc=51)
    ctx.set_quotas(ipv6_cidr_blocks_per_vpc=6)
    assert ctx.quotas.ipv6_cidr_blocks_per_vpc == 6 and ctx.quotas.cidr_blocks_per_vpc == 5
    vpc.associate_cidr_block("2001:db8:0:fe00::/56")
    assert len(vpc.ipv6_cidr_blocks) == 6
    ctx.check()


def test_s10_3_subnet_in_second_block_and_disassociation(ctx):
    vpc = ctx.create_vpc("10.0.0.0/16", ipv6_cidr_block="2001:db8:0:a00::/56")
    vpc.associate_cidr_block("2001:db8:0:b00::/56")
    with pytest.raises(InvalidParameterError) as e:
        vpc.associate_cidr_block("2001:db8:0:b00::/56")
    assert e.value.ec2_code == "InvalidVpc.Range"
    subnet = vpc.create_subnet("10.0.1.0/24", ipv6_cidr_block="2001:db8:0:b01::/64")
    assert subnet.ipv6_cidr_block == "2001:db8:0:b01::/64"
    with pytest.raises(InvalidParameterError) as e:
        vpc.create_subnet("10.0.2.0/24", ipv6_cidr_block="2001:db8:0:c01::/64")
    assert e.value.ec2_code == "InvalidSubnet.Range"
    with pytest.raises(InUseError) as e:
        vpc.disassociate_cidr_block("2001:db8:0:b00::/56")
    assert e.value.ec2_code == "InvalidCidrBlock.InUse"
    # the first block is unused: it goes, and the second is now the first
    vpc.disassociate_cidr_block("2001:db8:0:a00::/56")
    assert vpc.ipv6_cidr_blocks == ["2001:db8:0:b00::/56"]
    assert vpc.ipv6_cidr_block == "2001:db8:0:b00::/56"
    with pytest.raises(NotFoundError) as e:
        vpc.disassociate_cidr_block("2001:db8:0:a00::/56")
    assert e.value.ec2_code == "InvalidVpcCidrBlockAssociationID.NotFound"
    # the VPC still has IPv6: the default group keeps its ::/0 egress
    assert "::/0" in [r.cidr for r in vpc.default_security_group.egress_rules]
    assert " 2001:db8:0:b00::/56 default=" in ctx.dump()
    subnet.delete()
    vpc.disassociate_cidr_block("2001:db8:0:b00::/56")
    assert vpc.ipv6_cidr_blocks == [] and vpc.ipv6_cidr_block is None
    ctx.check()


def test_s10_3_evaluator_still_sees_ipv6_when_the_first_block_goes(ctx, evaluator):
    """A network ACL without IPv6 entries denies IPv6 in a VPC that has IPv6
    (and lets it through in one that has none): with the first block gone and
    the second holding the subnet, the VPC still has IPv6."""
    vpc = ctx.create_vpc("10.0.0.0/16", ipv6_cidr_block="2001:db8:0:a00::/56")
    vpc.associate_cidr_block("2001:db8:0:b00::/56")
    subnet = vpc.create_subnet("10.0.1.0/24", ipv6_cidr_block="2001:db8:0:b01::/64",
                               assign_ipv6_address_on_creation=True)
    web = vpc.create_security_group("web", "web servers")
    web.authorize_ingress(libeni.Rule("tcp", 22, cidr="::/0"))
    inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
    ctx.poll()
    inst.set_state(libeni.InstanceState.RUNNING)
    nic = inst.network_interfaces[0]
    ip6 = nic.ipv6_addresses[0]
    assert ip6.startswith("2001:db8:0:b01:")
    syn = ("tcp", "2001:db8:ffff::7", 40000, ip6, 22, "S")
    assert evaluator.evaluate_one(nic, TrafficDirection.INBOUND, syn, now_ns=1)
    acl = vpc.create_network_acl()
    acl.create_entry(AclEntry(100, cidr="0.0.0.0/0"))
    acl.create_entry(AclEntry(100, egress=True))
    subnet.network_acl = acl
    vpc.disassociate_cidr_block("2001:db8:0:a00::/56")
    assert vpc.ipv6_cidr_block == "2001:db8:0:b00::/56"
    v = evaluator.evaluate_one(nic, TrafficDirection.INBOUND, syn, now_ns=2)
    assert v.reason == Reason.ACL_DENY
    ctx.check()
