import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from modules.core.demo import (
    demo_catalog_load,
    demo_data_load,
    demo_data_loaded,
    demo_inventory_load,
    demo_shipping_load,
    demo_stores_load,
)


class Command(BaseCommand):
    help = "Load the demo company, permission groups and staff users once (used by `make run`)."

    def handle(self, *args, **options):
        for name in demo_stores_load():
            self.stdout.write(f"데모 판매채널을 만들었습니다 (sandbox store): {name}")
        for name in demo_catalog_load():
            self.stdout.write(f"데모 상품을 만들었습니다 (demo product): {name}")
        for name in demo_shipping_load():
            self.stdout.write(f"데모 배송 설정을 만들었습니다 (demo shipping): {name}")
        for name in demo_inventory_load():
            self.stdout.write(f"데모 재고를 만들었습니다 (demo stock): {name}")
        if demo_data_loaded():
            self.stdout.write("데모 데이터가 이미 있습니다 (demo data already loaded).")
            return
        users = demo_data_load()
        self.stdout.write(self.style.SUCCESS("데모 데이터를 불러왔습니다 (demo data loaded)."))
        lines = [f"  {user.username:<10} {user.password:<14} {user.group}" for user in users]
        for line in lines:
            self.stdout.write(line)
        if lines:
            # The passwords scroll away once the processes start; keep a private copy.
            path = Path(settings.VAR_DIR) / "demo-users.txt"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write("데모 사용자 (demo users: username, password, group)\n" + "\n".join(lines) + "\n")
            self.stdout.write(f"(사본 copy: {path})")
