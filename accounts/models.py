"""Accounts' security records (the user model itself stays ``branches.User``)."""

from django.conf import settings
from django.db import models


class PasswordHistory(models.Model):
    """A user's earlier password hashes, so the last few are not used again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "branches_passwordhistory"  # the table kept its name when the model left branches

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
