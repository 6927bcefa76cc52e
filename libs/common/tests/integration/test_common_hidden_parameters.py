"""The services' engines (``build_engine``) are made with ``hide_parameters=True``: a failed
statement's error, which the worker logs, names the SQL but never the values bound to it."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from credit_common.nameko_ext.db import build_engine
from credit_common.testing.settings import service_settings

# the shared settings, reading notification's variables: these probes use its database
ProbeSettings = service_settings("notification")


@pytest.mark.parametrize("autocommit", [False, True])
def test_a_failed_statement_names_no_values(run_environment, autocommit):
    phone, resident_id = "13800138000", "110101199003077777"
    engine = build_engine(ProbeSettings(), autocommit=autocommit)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError) as raised:
            conn.execute(text("SELECT 1 / 0 WHERE CAST(:phone AS text) <> CAST(:id AS text)"),
                         {"phone": phone, "id": resident_id})
    finally:
        engine.dispose()
    error = str(raised.value)
    assert "division by zero" in error and "SELECT 1 / 0" in error
    assert "parameters hidden" in error
    assert phone not in error and resident_id not in error
