"""How ``make bench`` judges what it measured: a target is met or MISSED by its figure, ratios
are to the echo anchor (a), and a single lost or duplicated submission fails the loss check
however fast the run was; and the readings of the machine's own speed beside them."""

import os
import subprocess
import sys

from bench.run import loss_check_failed, markdown, report

SPIN_FOR_3_S = "import time\nend = time.time() + 3\nwhile time.time() < end:\n    pass\n"


def figure(median_ms: float, p95_ms: float | None = None) -> dict:
    p95 = p95_ms if p95_ms is not None else median_ms
    return {"calls": 100, "median_ms": median_ms, "p95_ms": p95, "p99_ms": p95,
            "mean_ms": median_ms}


def load_run(lost: int = 0, duplicated: int = 0, per_s: float = 165.0,
             p99_ms: float = 60.0) -> dict:
    return {"offered_per_s": 165, "achieved_per_s": per_s, "errors": 0,
            "answer_ms": {"p99": 20.0}, "until_case_ms": {"median": 20.0, "p95": 40.0,
                                                          "p99": p99_ms},
            "lost_total": lost, "duplicated_total": duplicated,
            "cpu_ms_per_submission": {"intake": 2.5}, "cpu_ms_per_submission_total": 2.5,
            "memory_mb": {"intake": {"at_rest": 90.0, "under_load": 91.0}}}


def judged(figures: dict, loads: dict | None = None, rates: dict | None = None) -> dict:
    return report(figures, rates or {}, loads or {}, {"subjects": 1_000_000}, quick=False)


def test_each_figure_is_a_ratio_to_the_echo_anchor_and_c_over_a_is_judged_on_it():
    fast = judged({"nameko_echo": figure(2.0), "gateway_case_read": figure(3.0)})
    assert fast["figures"]["gateway_case_read"]["ratio_to_a"] == 1.5
    assert fast["targets"]["c_over_a"]["met"] is True

    slow = judged({"nameko_echo": figure(2.0), "gateway_case_read": figure(4.2)})
    assert slow["targets"]["c_over_a"] == {
        "what": "gateway_case_read / nameko_echo median", "target_max": 2.0, "value": 2.1,
        "met": False}
    assert "c_over_a (gateway_case_read / nameko_echo median) ≤ 2.0: 2.1 — MISSED" \
        in markdown(slow)


def test_a_minimum_target_is_missed_below_it_and_a_figure_not_measured_is_not_judged():
    result = judged({"nameko_echo": figure(2.0)},
                    rates={"bulk_import": {"lines": 50_000, "records_per_s": 4_999}})
    assert result["targets"]["import_rate"]["met"] is False
    assert "search_p95" not in result["targets"]  # --only left it out: neither met nor missed


def test_submissions_are_judged_on_rate_and_p99_until_the_case_exists():
    result = judged({"nameko_echo": figure(2.0)},
                    loads={"submissions_1_instance": load_run(per_s=151.0, p99_ms=301.0)})
    assert result["targets"]["submission_rate"]["met"] is True
    assert result["targets"]["submission_p99"]["met"] is False


def test_one_lost_or_duplicated_submission_fails_the_loss_check_whatever_the_speed():
    clean = judged({"nameko_echo": figure(2.0)}, loads={"submissions_1_instance": load_run()})
    assert "LOSS CHECK FAILED" not in markdown(clean)
    assert loss_check_failed(clean) is False
    for lost, duplicated in ((1, 0), (0, 1)):
        failed = judged({"nameko_echo": figure(2.0)},
                        loads={"submissions_1_instance": load_run(lost, duplicated)})
        assert failed["loss_check"]["submissions_1_instance"] == {
            "lost": lost, "duplicated": duplicated}
        assert failed["targets"]["submission_rate"]["met"] is True
        assert "**LOSS CHECK FAILED**" in markdown(failed)
        assert loss_check_failed(failed) is True  # make bench exits 1


def test_the_machines_speed_is_reported_for_the_run_and_before_each_load():
    loads = {"submissions_1_instance": {**load_run(), "cpu_stolen_pct": 12.5,
                                        "reference_work_ms": 31.0}}
    result = report({"nameko_echo": figure(2.0)}, {}, loads, {"subjects": 1}, quick=False,
                    stolen_pct=4.0, reference_ms=24.0)
    assert result["machine"]["cpu_stolen_pct"] == 4.0
    assert result["machine"]["reference_work_ms"] == 24.0
    line = next(line for line in markdown(result).splitlines() if "machine's speed" in line)
    assert "24.0 ms of CPU at the start, 31.0 before submissions_1_instance" in line
    assert "stolen by the hypervisor 4.0 % of the run, 12.5 % during submissions_1_instance" \
        in line
    # 31 / 24: the load ran at another speed than the anchors, and the report says so
    assert result["machine"]["speed_change"] == 1.29
    assert "speed changed" not in markdown(result)
    loads["submissions_1_instance"]["reference_work_ms"] = 48.0
    slowed = report({"nameko_echo": figure(2.0)}, {}, loads, {"subjects": 1}, quick=False,
                    stolen_pct=4.0, reference_ms=24.0)
    assert "**the machine's speed changed 2.0× within this run**" in markdown(slowed)


def test_stolen_time_is_the_steal_share_of_all_ticks_in_between():
    from bench.load import machine_cpu_ticks, reference_work_ms, stolen_percent

    assert stolen_percent((1000, 10), (1400, 110)) == 25.0
    assert stolen_percent((1000, 10), (1000, 10)) == 0.0
    total, stolen = machine_cpu_ticks()
    assert total > stolen >= 0
    assert reference_work_ms() > 0


def test_a_core_kept_busy_shows_in_the_machines_busy_share():
    from bench.load import machine_busy_percent

    spinning = subprocess.Popen([sys.executable, "-c", SPIN_FOR_3_S])
    try:
        # one core of os.cpu_count() spinning is at least that share of the machine, less a
        # margin for the moment it takes to start
        assert machine_busy_percent(1.0) > 0.8 * 100 / os.cpu_count()
    finally:
        spinning.kill()
        spinning.wait()
