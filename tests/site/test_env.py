"""Configuration from the environment: bad values stop start-up with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from oms_site import env

ROOT = Path(__file__).resolve().parents[2]


def run_manage(args, extra_env, tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    environment = {**clean, "JANGTEO_VAR_DIR": str(tmp_path / "var"), **extra_env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "postgres://host:notaport/db"),
        ("REDIS_URL", "http://localhost:6379"),
        ("DEBUG", "maybe"),
        ("FIELD_ENCRYPTION_KEY", "not-a-key"),
        ("SECRET_KEY", "short"),
        ("CSRF_TRUSTED_ORIGINS", "example.com"),
        ("WORKER_PROCESSES", "two"),
        ("TRUSTED_PROXY_HEADER", "X Forwarded For"),
    ],
)
def test_malformed_value_stops_start_up_with_one_line(tmp_path, name, value):
    result = run_manage(["check"], {name: value}, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "Traceback" not in result.stderr


def test_production_requires_its_secrets(tmp_path):
    result = run_manage(["check"], {"DJANGO_SETTINGS_MODULE": "oms_site.settings.production"}, tmp_path)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_deploy_passes_with_a_production_environment(tmp_path):
    production = {
        "DJANGO_SETTINGS_MODULE": "oms_site.settings.production",
        "SECRET_KEY": "x7" * 30 + "-Pk4q!z",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "oms.example.co.kr",
        "CSRF_TRUSTED_ORIGINS": "https://oms.example.co.kr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], production, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()  # nothing generated in production


def test_development_generates_and_keeps_its_secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.get_secret_key("SECRET_KEY", generated_path=tmp_path / "secret_key")
    again = env.get_secret_key("SECRET_KEY", generated_path=tmp_path / "secret_key")
    assert first == again and len(first) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_database_url_parsing(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jangteo")
    config = env.get_database("DATABASE_URL", tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "jangteo"
    monkeypatch.delenv("DATABASE_URL")
    sqlite = env.get_database("DATABASE_URL", tmp_path / "x.sqlite3")
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]


def test_fernet_key_rotation_list(monkeypatch):
    keys = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", ",".join(keys))
    assert env.get_fernet_keys("FIELD_ENCRYPTION_KEY", generated_path=None) == keys
