"""The one place that reads the process environment.

Every setting that comes from the environment is parsed here, so a malformed value stops start-up
with one line that names the variable (see ``EnvError`` and ``exit_on_env_error``) instead of a
traceback from deep inside Django.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url


class EnvError(Exception):
    """A configuration variable is missing or malformed. ``str()`` is the one line to show."""

    def __init__(self, name: str, problem: str):
        self.name = name
        self.problem = problem
        super().__init__(f"환경 변수 {name}: {problem} (configuration error in {name})")


@contextmanager
def exit_on_env_error() -> Iterator[None]:
    """Entry points (manage.py, wsgi, asgi) wrap Django's start-up in this."""
    try:
        yield
    except EnvError as exc:
        print(f"설정 오류: {exc}", file=sys.stderr)  # noqa: T201
        raise SystemExit(2) from None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def get_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise EnvError(name, "값이 필요합니다 (required)")
        return default
    return value


def get_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(name, f"참/거짓 값이어야 합니다 (expected true/false, got {value!r})")


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(name, f"정수여야 합니다 (expected an integer, got {value!r})") from None
    if minimum is not None and number < minimum:
        raise EnvError(name, f"{minimum} 이상이어야 합니다 (got {number})")
    return number


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def get_database(name: str, default_sqlite_path: Path) -> dict:
    """DATABASE_URL → Django DATABASES entry; SQLite is tuned to survive web + worker writes."""
    value = _raw(name) or f"sqlite:///{default_sqlite_path}"
    scheme = urlsplit(value).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise EnvError(
            name, f"지원하지 않는 형식입니다: {scheme or value!r} (use sqlite:///path or postgres://…)"
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=0)
    except Exception as exc:  # dj_database_url raises bare ValueErrors with no variable name
        raise EnvError(name, f"해석할 수 없습니다 ({exc})") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise EnvError(name, "SQLite 파일 경로가 필요합니다 (sqlite:////abs/path.sqlite3)")
        config["OPTIONS"] = sqlite_options()
    else:
        if not config.get("NAME"):
            raise EnvError(name, "데이터베이스 이름이 없습니다 (postgres://user@host:5432/dbname)")
        config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_options() -> dict:
    # The web process and the django-q2 worker write at the same time. WAL lets readers run
    # beside the writer, busy_timeout makes a writer wait instead of failing, and IMMEDIATE
    # transactions take the write lock at BEGIN, so a transaction never has to upgrade a read
    # lock mid-way (the upgrade is what fails with "database is locked" despite the timeout).
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }


def get_redis_url(name: str) -> str | None:
    value = _raw(name)
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss", "unix"} or (parts.scheme != "unix" and not parts.hostname):
        raise EnvError(name, f"redis://host:port/db 형식이어야 합니다 (got {value!r})")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise EnvError(name, f"포트 번호가 잘못되었습니다 (got {value!r})") from None
    return value


def _generated_secret(path: Path, make: Callable[[], str]) -> str:
    """Development only: a secret created once and kept under var/ so restarts keep sessions."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def get_secret_key(name: str, *, generated_path: Path | None) -> str:
    value = get_str(name, required=generated_path is None)
    if value is None:
        assert generated_path is not None
        return _generated_secret(generated_path, lambda: secrets.token_urlsafe(50))
    if len(value) < 32:
        raise EnvError(name, "32자 이상이어야 합니다 (too short to be a secret)")
    return value


def _check_fernet_key(name: str, key: str) -> None:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise EnvError(
            name,
            "Fernet 키(32바이트 url-safe base64)여야 합니다; "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`",
        )


def get_fernet_keys(name: str, *, generated_path: Path | None) -> list[str]:
    """One key, or several separated by commas during a rotation (the first one encrypts)."""
    value = get_str(name, required=generated_path is None)
    if value is None:
        assert generated_path is not None
        value = _generated_secret(
            generated_path, lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        )
    keys = [key.strip() for key in value.split(",") if key.strip()]
    for key in keys:
        _check_fernet_key(name, key)
    return keys


def get_origins(name: str) -> list[str]:
    origins = get_list(name)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise EnvError(name, f"https://host 형식의 주소여야 합니다 (got {origin!r})")
    return origins


def get_networks(name: str, default: list[str] | None = None) -> list[str]:
    """CIDRs, comma-separated; ``default`` when the variable is unset (set but empty means none)."""
    networks = get_list(name, default)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise EnvError(name, f"IP 주소나 CIDR가 아닙니다: {network!r}") from None
    return networks


def get_header_name(name: str) -> str | None:
    """An HTTP header such as X-Forwarded-For → its META key (HTTP_X_FORWARDED_FOR)."""
    value = get_str(name)
    if value is None:
        return None
    if not all(ch.isalnum() or ch in "-_" for ch in value):
        raise EnvError(name, f"HTTP 헤더 이름이 아닙니다: {value!r}")
    return "HTTP_" + value.upper().replace("-", "_")
