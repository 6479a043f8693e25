from django.apps import AppConfig
from django.db.models.signals import pre_save


class AccountsConfig(AppConfig):
    name = "zhenxing.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        from .models import User
        from .services import tokens_revoke_on_scope_change

        pre_save.connect(tokens_revoke_on_scope_change, sender=User, dispatch_uid="accounts.tokens_scope")
