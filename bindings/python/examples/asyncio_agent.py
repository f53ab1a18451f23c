#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""An agent loop on asyncio: no busy polling.

The context's event descriptor (``ctx.fileno()``) wakes the loop when the
backend posts a completion; ``ctx.timeout()`` says how long the loop may
sleep when the work is driven by time instead (here the mock backend
answers an attach only after it has been polled twice, as a slow device
would). The script launches an instance, waits for its interface to attach,
makes it run, and stops.

Run from a build tree:
    PYTHONPATH=build/bindings/python python3 bindings/python/examples/asyncio_agent.py
"""
import asyncio

import libeni
from libeni import EventType, MockLatency


async def agent(ctx: libeni.Context) -> int:
    loop = asyncio.get_running_loop()
    attached = asyncio.Event()
    wakeups = {"fd": 0, "timer": 0}

    def drain(source: str) -> None:
        wakeups[source] += 1
        for event in ctx.poll():
            what = event.instance or event.network_interface
            print(f"  {event.type} {what!r} -> {event.state}")
            if event.type == EventType.ATTACH_COMPLETED:
                attached.set()

    loop.add_reader(ctx.fileno(), drain, "fd")
    try:
        vpc = ctx.create_vpc("10.0.0.0/16")
        subnet = vpc.create_subnet("10.0.1.0/24", "us-east-1a")
        inst = ctx.run_instance("m5.large", subnet=subnet)
        while not attached.is_set():
            # Sleep until an event arrives on the descriptor or the timeout
            # the library asks for passes, whichever is first.
            timeout = ctx.timeout()
            try:
                await asyncio.wait_for(attached.wait(), timeout)
            except asyncio.TimeoutError:
                drain("timer")
        inst.set_state("running")
        drain("fd")  # the state change is an event too
        print(f"{inst!r} is {inst.state}; woken by the descriptor {wakeups['fd']} "
              f"time(s), by the timer {wakeups['timer']} time(s)")
        return 0
    finally:
        loop.remove_reader(ctx.fileno())


def main() -> int:
    with libeni.Context(seed=7) as ctx:
        ctx.mock.configure(MockLatency.AFTER_POLLS, polls=2)
        return asyncio.run(agent(ctx))


if __name__ == "__main__":
    raise SystemExit(main())
