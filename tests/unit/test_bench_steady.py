"""The steady load's verdict on failed requests: which failures a client may see while
processes are killed, and which it must never see."""

from bench.steady import Call, bad_failures

DOWN = [(100.0, 105.0)]   # the gateway killed at 100 s, healthy again at 105 s


def no_answer(sent_at: float, elapsed_s: float, code: str = "ConnectError") -> Call:
    return Call("approve", "XF-1", sent_at, elapsed_s, None, code)


def test_no_answer_is_allowed_only_for_a_request_the_gateway_went_down_under():
    refused = no_answer(101.0, 0.01)                          # sent while it was down
    cut = no_answer(99.9, 0.15, "RemoteProtocolError")         # in flight when it was killed
    before = no_answer(98.0, 0.5, "RemoteProtocolError")      # ended before the kill
    after = no_answer(106.0, 0.01)                            # sent once it was back
    assert bad_failures([refused, cut, before, after], DOWN) == [before, after]
    assert bad_failures([cut]) == [cut]                        # the gateway never went down


def test_a_hang_and_an_error_without_a_code_are_bad_even_while_the_gateway_is_down():
    hang = no_answer(101.0, 10.0, "ReadTimeout")
    uncoded = Call("submit", "k", 101.0, 0.1, 500, None)
    timeout = Call("submit", "k", 101.0, 0.1, 504, "SERVICE_TIMEOUT")
    answered_before = Call("approve", "XF-1", 101.0, 0.1, 409, "STALE_VERSION")
    assert bad_failures([hang, uncoded, timeout, answered_before], DOWN) == [hang, uncoded]
