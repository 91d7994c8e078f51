import os
import subprocess
import sys

import pytest


def _run_settings(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "MEUTE_ENV", "DEBUG"}
    }
    env.update(env_overrides)
    code = "import meute.settings as s; print(s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)


def test_production_refuses_the_default_secret():
    result = _run_settings({"MEUTE_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_a_secret_starts_without_debug():
    result = _run_settings({"MEUTE_ENV": "production", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("y" * 50)
    result = _run_settings({"MEUTE_ENV": "production", "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("MEUTE_ENV", "staging")])
def test_bad_values_are_refused_clearly(name, value):
    result = _run_settings({name: value})
    assert result.returncode != 0
    assert name in result.stderr
