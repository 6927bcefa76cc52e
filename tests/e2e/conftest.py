import pathlib
import random

import httpx
import pytest
from stdnum.cn import uscc

from credit_common.testing import isolation
from credit_common.testing.log_scan import scan_dead_letters, scan_logs
from credit_common.testing.platform import Platform, service_processes


E2E_SETTINGS = {
    "RPC_TIMEOUT_S": "2",
    "HEALTH_TIMEOUT_S": "1",
    # below the gateway's wait, so a service names its failing dependency in time
    "HEALTH_CHECK_TIMEOUT_S": "0.5",
    "RELAY_POLL_INTERVAL_S": "1",
    "LOG_LEVEL": "INFO",
    # small enough to test the limit without moving megabytes
    "MAX_UPLOAD_BYTES": "300000",
    # every test logs in from 127.0.0.1; the per-IP limit has its own service test
    "LOGIN_IP_HOURLY_LIMIT": "100000",
    # the deadline timer, often enough for a test to see its notices
    "DEADLINE_CHECK_INTERVAL_S": "1",
    # the temporary repairs' expiry check, often enough for a test to see one expire
    "TEMPORARY_REPAIR_CHECK_INTERVAL_S": "1",
    # every test calls from 127.0.0.1; the limits have their own test with their own gateway
    "RATE_LIMIT_PUBLIC": "1000000/minute",
    "RATE_LIMIT_LOGIN": "1000000/minute",
}


@pytest.fixture(scope="session")
def platform(test_run_id, amqp_uri, database_urls, tmp_path_factory):
    log_dir = pathlib.Path(tmp_path_factory.mktemp("logs"))
    env = {**isolation.environment(test_run_id), **E2E_SETTINGS}
    running = Platform(env=env, log_dir=log_dir)
    # signing links and the documents' QR codes point at this run's gateway
    running.env["PUBLIC_BASE_URL"] = running.url
    try:
        for name in service_processes():
            running.start(name)
        running.start("gateway")
        running.wait_healthy(timeout=60)
        yield running
    finally:
        running.stop_all()
        print(f"\nprocess logs: {log_dir}")
    # the dead letters' reasons and last errors quote what a handler refused (ASVS 7.1.1)
    dead_letters = scan_dead_letters(amqp_uri)
    print(dead_letters.summary())
    assert not dead_letters.leaks, f"{dead_letters.summary()}: {dead_letters.leaks[:5]}"
    # every line every process wrote in this run, once all have stopped (ASVS 7.1.1)
    scan = scan_logs(log_dir)
    print(scan.summary())
    assert scan.places and scan.items, f"no log lines under {log_dir}"
    assert not scan.leaks, f"{scan.summary()}: {scan.leaks[:5]}"


@pytest.fixture
def http(platform):
    with httpx.Client(base_url=platform.url, timeout=10) as client:
        yield client


_rng = random.Random()


def make_uscc() -> str:
    body = "91440106" + "".join(_rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def application_payload():
    def build(**overrides):
        return {"record_type": "penalty_publicity", "subject_uscc": make_uscc(),
                "subject_name": "广州天河测试科技有限公司", "district_code": "440106", **overrides}

    return build
