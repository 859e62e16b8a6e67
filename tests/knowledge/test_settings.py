"""Numbers from the environment: a bad value stops the program with a message naming the variable."""

from __future__ import annotations

import pytest

from knowledge import ConfigError, env_number
from nlu._rasa import RasaEngine

NAME = "SHENBAO_TEST_NUMBER"


@pytest.mark.parametrize(("raw", "integer", "expected"), [
    ("", False, 30.0), ("  ", False, 30.0), ("0.2", False, 0.2), (" 7 ", False, 7.0), ("604800", False, 604800.0),
    ("90", True, 90),
])
def test_good_values(monkeypatch: pytest.MonkeyPatch, raw: str, integer: bool, expected: float) -> None:
    monkeypatch.setenv(NAME, raw)
    assert env_number(NAME, 30.0, integer=integer, maximum=604800) == expected


@pytest.mark.parametrize(("raw", "integer"), [
    ("abc", False), ("0", False), ("-1", False), ("nan", False), ("inf", False), ("1e309", False),
    ("604801", False), ("三十", False), ("1.5", True), ("0", True),
])
def test_bad_values_name_the_variable_and_the_value(monkeypatch: pytest.MonkeyPatch, raw: str,
                                                    integer: bool) -> None:
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ConfigError) as caught:
        env_number(NAME, 30.0, integer=integer, maximum=604800)
    assert NAME in str(caught.value) and f"“{raw}”" in str(caught.value)


@pytest.mark.parametrize("raw", ["两秒", "0", "-2"])
def test_a_bad_rasa_timeout_is_a_config_error(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("SHENBAO_RASA_TIMEOUT", raw)
    with pytest.raises(ConfigError, match="SHENBAO_RASA_TIMEOUT"):
        RasaEngine.from_env()


def test_the_rasa_timeout_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHENBAO_RASA_TIMEOUT", "0.5")
    assert RasaEngine.from_env().timeout == 0.5
