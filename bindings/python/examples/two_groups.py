#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""A VPC with two security groups, an instance per tier, and a few packets.

The web tier accepts HTTPS from anywhere; the database tier accepts
PostgreSQL only from members of the web group. The script launches one
instance per tier, hot-attaches a second interface to the web server, sends
some packets through the evaluator and prints why each passed or not.

Run from a build tree:
    PYTHONPATH=build/bindings/python python3 bindings/python/examples/two_groups.py
"""
import libeni
from libeni import Packet, Rule, TrafficDirection

IN, OUT = TrafficDirection.INBOUND, TrafficDirection.OUTBOUND
CLIENT = "203.0.113.5"


def main() -> int:
    with libeni.Context(seed=2026) as ctx:
        vpc = ctx.create_vpc("10.0.0.0/16")
        subnet = vpc.create_subnet("10.0.1.0/24", "us-east-1a")
        web = vpc.create_security_group("web", "HTTPS from anywhere")
        db = vpc.create_security_group("db", "PostgreSQL from the web tier")
        web.authorize_ingress(Rule("tcp", 443, cidr="0.0.0.0/0", description="https"))
        db.authorize_ingress(Rule("tcp", 5432, group=web, description="postgres from web"))
        print(f"{vpc!r} {subnet.cidr_block}: groups {web.name} ({web.id}), {db.name} ({db.id})")

        web_host = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
        db_host = ctx.run_instance("m5.large", subnet=subnet, groups=[db])
        for event in ctx.poll():
            about = [o for o in (event.instance, event.network_interface) if o is not None]
            print(f"  event {event.type}: {', '.join(map(repr, about))} -> {event.state}")
        for inst in (web_host, db_host):
            inst.set_state("running")  # or libeni.InstanceState.RUNNING
            print(f"{inst!r} is {inst.state}")
        web_nic = web_host.network_interfaces[0]
        db_nic = db_host.network_interfaces[0]

        # A second interface, hot-attached to the running web server.
        extra = subnet.create_network_interface(groups=[web], description="web, second leg")
        attachment = extra.attach(web_host, device_index=1)
        ctx.poll()
        print(f"hot attach: {extra!r} is {extra.status} at device index "
              f"{attachment.device_index} ({attachment.kind})")

        web_ip, db_ip = web_nic.private_ip_address, db_nic.private_ip_address
        checks = [
            ("client -> web :443", web_nic, IN, ("tcp", CLIENT, 40000, web_ip, 443, "S")),
            ("client -> web :22", web_nic, IN, ("tcp", CLIENT, 40001, web_ip, 22, "S")),
            ("web -> db :5432 (at db)", db_nic, IN, ("tcp", web_ip, 41000, db_ip, 5432, "S")),
            ("client -> db :5432", db_nic, IN, ("tcp", CLIENT, 41001, db_ip, 5432, "S")),
            # a Packet names its fields: everything after the protocol is keyword-only
            ("spoofed source from web", web_nic, OUT,
             Packet("tcp", src="10.0.1.250", sport=1234, dst=CLIENT, dport=80, tcp_flags="S")),
        ]
        print("explanations:")
        for label, nic, direction, packet in checks:
            verdict = nic.explain(direction, packet, now_ns=0)
            mark = "ALLOW" if verdict else "DROP "
            print(f"  {mark} {label:26} {verdict.explanation}")

        # The same packets through an evaluator: flows get tracked.
        with ctx.evaluator() as ev:
            out = ev.evaluate(web_nic, OUT, [("tcp", web_ip, 41000, db_ip, 5432, "S")], now_ns=1)
            back = ev.evaluate(web_nic, IN, [("tcp", db_ip, 5432, web_ip, 41000, "SA")], now_ns=2)
            print(f"web -> db SYN: {out[0].reason.name}; the reply: {back[0].reason.name}")
            print(f"tracked on {web_nic.id}: "
                  + ", ".join(f"{f.remote}:{f.remote_port}" for f in web_nic.flows(now_ns=3)))
            c = ev.counters
            print(f"evaluator: {c.packets} packets, {c.allowed} allowed, {c.dropped} dropped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
