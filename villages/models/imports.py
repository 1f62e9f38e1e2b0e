"""The record of registry loads (FORMATS.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """One registry load (FORMATS.md): who, when, which files, counts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registry_imports",
        verbose_name=_("操作人"),
    )
    started_at = models.DateTimeField(_("时间"), auto_now_add=True)
    files = models.JSONField(_("文件"), default=list)
    counts = models.JSONField(_("行数"), default=dict)
    succeeded = models.BooleanField(_("成功"), default=False)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="command")

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {', '.join(self.files)}"
