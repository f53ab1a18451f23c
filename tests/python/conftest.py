# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: a context with a dual-stack VPC, a subnet and two groups."""
import pytest

import libeni


@pytest.fixture
def ctx():
    with libeni.Context(seed=7) as c:
        yield c


@pytest.fixture
def vpc(ctx):
    return ctx.create_vpc("10.0.0.0/16", ipv6_cidr_block="2001:db8:0:100::/56")


@pytest.fixture
def subnet(vpc):
    return vpc.create_subnet("10.0.1.0/24", "us-east-1a", ipv6_cidr_block="2001:db8:0:100::/64")


@pytest.fixture
def web(vpc):
    return vpc.create_security_group("web", "web servers")


@pytest.fixture
def db(vpc):
    return vpc.create_security_group("db", "databases")


@pytest.fixture
def running(ctx, subnet, web):
    """A running m5.large whose primary interface is in `web`."""
    inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
    ctx.poll()
    inst.set_state(libeni.InstanceState.RUNNING)
    return inst


@pytest.fixture
def nic(running):
    """The primary interface of `running` (in `web`, 10.0.1.0/24)."""
    return running.network_interfaces[0]


@pytest.fixture
def spare(subnet, db):
    """An available interface in `subnet`, in `db`, not attached to anything."""
    return subnet.create_network_interface(groups=[db], description="spare")


@pytest.fixture
def evaluator(ctx):
    """An evaluator of `ctx`, closed after the test."""
    ev = ctx.evaluator()
    yield ev
    ev.close()
