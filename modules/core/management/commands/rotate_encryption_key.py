from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from modules.core.crypto import encrypted_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first key of FIELD_ENCRYPTION_KEY. "
        "Rotation: set FIELD_ENCRYPTION_KEY=new,old, run this, then set FIELD_ENCRYPTION_KEY=new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            count = 0
            # Reading decrypts with any listed key; saving encrypts with the first one.
            for obj in model._default_manager.only("pk", *fields).iterator(chunk_size=batch_size):
                with transaction.atomic():
                    model._default_manager.filter(pk=obj.pk).update(**{f: getattr(obj, f) for f in fields})
                count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count}건 재암호화 ({', '.join(fields)})")
        self.stdout.write(self.style.SUCCESS(f"완료: {total}건 (re-encrypted rows)"))
