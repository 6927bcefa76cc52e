"""``kill -9`` of one process of every kind, one after another, under a steady load of
submissions and approvals through the gateway: the platform starts each again (make run's
policy), and afterwards every submission and every approval is counted — none lost, none
done twice — and no request hung or failed with anything but 503/504 and a code."""

import time
import uuid

from bench import load, steady
from credit_common.testing.platform import read_procfile, wait_until

#: every process kind of deploy/Procfile: gateway, services, relays, renderer, inbound
KINDS = tuple(read_procfile())


def test_kill_9_of_every_process_kind_under_load_loses_and_duplicates_nothing(
        platform, database_urls):
    marker = uuid.uuid4().hex[:8]
    prepared = steady.prepare_approvals(database_urls, 90, marker[:6])
    headers = steady.approver_headers(platform.url, prepared["approver_phone"])
    traffic = steady.SteadyLoad(platform.url, marker, submit_rate=4,
                                approvals=prepared["cases"], approve_rate=1.5, headers=headers)
    gateway_down = []
    traffic.start()
    try:
        wait_until(lambda: any(c.ok for c in traffic.calls), 20, message="the load answered")
        for name in KINDS:
            before = platform.restart_count(name)
            killed_at = time.monotonic()
            platform.crash(name)
            platform.wait_restarted(name, before, timeout=60)
            platform.wait_healthy(timeout=60)
            if name == "gateway":
                gateway_down.append((killed_at, time.monotonic()))
            healed_at = time.monotonic()
            wait_until(lambda healed_at=healed_at: steady.first_success_after(traffic.calls,
                                                                              healed_at), 30,
                       message=f"a request answered after {name} came back")
    finally:
        traffic.stop()

    restarted = {r.name for r in platform.restarts}
    assert restarted >= set(KINDS), f"not restarted: {set(KINDS) - restarted}"
    assert not platform.given_up

    submissions = load.account(database_urls["intake"], database_urls["workflow"], marker,
                               traffic.submissions, wait_s=120)
    approvals = steady.account_approvals(database_urls, prepared["cases"], traffic.approved,
                                         wait_s=120)
    print(f"\nsubmissions: {submissions['sent']} sent, {submissions['answered_201']} accepted, "
          f"{submissions['applications']} applications, {submissions['cases']} cases; "
          f"lost {submissions['lost']}, duplicated {submissions['duplicated']}")
    print(f"approvals: {approvals}")
    print(f"failed requests: {steady.failures_between(traffic.calls, 0, float('inf'))}")
    assert submissions["answered_201"] >= 20 and approvals["confirmed"] >= 10
    assert (submissions["lost_total"], submissions["duplicated_total"]) == (0, 0), submissions
    assert (approvals["lost_total"], approvals["duplicated_total"]) == (0, 0), approvals
    assert approvals["approved"] >= approvals["confirmed"]
    bad = steady.bad_failures(traffic.calls, gateway_down)
    assert not bad, bad[:10]
