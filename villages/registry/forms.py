from pathlib import Path

from django import forms
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from . import engine as registry

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]  # raises "required"
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class RegistryUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("登记表文件"),
        help_text=_(
            "一个 .xlsx 工作簿（每种表一个工作表），或多个以表类型命名的 .csv 文件（如 households.csv）。"
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(max)s 个文件。") % {"max": MAX_FILES})
        names = set()
        for upload in files:
            name = get_valid_filename(Path(upload.name).name)
            if Path(name).suffix.lower() not in (".xlsx", ".csv"):
                raise forms.ValidationError(
                    _("%(file)s：只能上传 .xlsx 或 .csv 文件。") % {"file": upload.name}
                )
            if upload.size > registry.MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("%(file)s 超过 %(max)s MB 的大小上限。")
                    % {"file": upload.name, "max": registry.MAX_FILE_BYTES // (1024 * 1024)}
                )
            if name in names:
                raise forms.ValidationError(_("文件 %(file)s 重复。") % {"file": name})
            names.add(name)
            upload.safe_name = name
        return files
