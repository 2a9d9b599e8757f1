import os
import secrets
from base64 import b32encode
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from modules.accounts.services import totp_device_create_confirmed


class Command(BaseCommand):
    help = (
        "Create the first administrator when there is none, with a generated password and an "
        "authenticator (TOTP) key; print them once and keep a copy in var/first-run-credentials.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--no-qr", action="store_true", help="do not draw the QR code in the terminal")

    def handle(self, *args, username, no_qr, **options):
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            self.stdout.write("관리자 계정이 이미 있습니다 (an administrator exists).")
            return
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = user_model.objects.create_superuser(
                username=username, email=f"{username}@localhost", password=password
            )
            device = totp_device_create_confirmed(user=user)
        secret = b32encode(device.bin_key).decode()
        lines = [
            "관리자 계정을 만들었습니다 (first administrator created)",
            f"  주소 URL     : {settings.WAGTAILADMIN_BASE_URL}/admin/",
            f"  아이디 user  : {username}",
            f"  비밀번호 pw  : {password}",
            f"  OTP 키 key   : {secret}",
            f"  otpauth URL  : {device.config_url}",
            "인증 앱(Google Authenticator 등)에 QR 코드나 키를 등록하고, 로그인할 때 6자리 코드를 입력하세요.",
        ]
        credentials = Path(settings.VAR_DIR) / "first-run-credentials.txt"
        credentials.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
        if not no_qr:
            segno.make(device.config_url, error="m").terminal(out=self.stdout._out, compact=True)
        self.stdout.write(f"(사본 copy: {credentials}; 확인 후 지우세요 / delete it once noted)")
