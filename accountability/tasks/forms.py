"""Forms of the task, report and problem pages. Forms parse the input; the rules that need
the database (week locks, owners in scope, versions) live in ``services`` and come back
as field errors through ``add_service_errors``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountability import periods
from accountability.models import Evidence, Factor
from accountability.tasks import photos, services
from villages.dates import validate_year
from villages.models import Village

MB = 1024 * 1024


def add_service_errors(form, error):
    """Put a service's ValidationError next to the form fields it names."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class WeekField(forms.CharField):
    """An ISO week written ``2016-W23``; cleans to the week's Monday."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return periods.Week.parse(value.strip()).start
        except periods.PeriodError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value):
        if hasattr(value, "isocalendar"):
            return str(periods.Week.of(value))
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files; cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class ReportForm(forms.Form):
    """This week's report on a task: the cumulative value achieved, a note, evidence."""

    week = WeekField(widget=forms.HiddenInput, error_messages={"required": _("缺少填报周。")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    value = forms.DecimalField(
        label=_("累计完成值"),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": _("请填写累计完成值。"),
            "invalid": _("累计完成值必须是数字。"),
            "max_digits": _("累计完成值过大，请核对后重新填写。"),
            "max_whole_digits": _("累计完成值过大，请核对后重新填写。"),
            "max_decimal_places": _("累计完成值最多保留两位小数。"),
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("进展与困难"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("本周做了什么，遇到什么困难。"),
    )
    # the rule (a value over the target needs it) is services.check_over_target's
    confirm_over = forms.BooleanField(
        label=_("确认超过目标"),
        required=False,
        help_text=_("累计完成值超过目标值时，请核对后勾选。"),
    )
    evidence = MultipleFileField(
        label=_("佐证材料"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        evidence = self.fields["evidence"]
        evidence.help_text = gettext(
            "照片（JPG、PNG）每张不超过 %(image_mb)s MB，长边超过 %(side)s 像素的照片会自动缩小；"
            "PDF 每个不超过 %(mb)s MB；一次最多 %(n)s 个文件。"
        ) % {
            "image_mb": Evidence.MAX_IMAGE_BYTES // MB,
            "side": photos.MAX_SIDE,
            "mb": Evidence.MAX_BYTES // MB,
            "n": services.MAX_FILES_PER_REPORT,
        }
        # the same limits and messages, checked in the browser before the upload
        # (static/js/report-form.js)
        evidence.widget.attrs.update(
            {
                "data-image-extensions": ",".join(Evidence.IMAGE_EXTENSIONS),
                "data-extensions": ",".join(Evidence.ALLOWED_EXTENSIONS),
                "data-max-image-bytes": Evidence.MAX_IMAGE_BYTES,
                "data-max-bytes": Evidence.MAX_BYTES,
                "data-max-files": services.MAX_FILES_PER_REPORT,
                "data-type-message": services.TYPE_REFUSED,
                "data-size-message": services.SIZE_REFUSED,
                "data-count-message": services.COUNT_REFUSED % {"n": services.MAX_FILES_PER_REPORT},
            }
        )


class WeekLockForm(forms.Form):
    week = WeekField(
        label=_("周"),
        help_text=_("例如 2016-W23"),
        error_messages={"required": _("请填写要锁定的周。")},
    )


class ProblemForm(forms.Form):
    """Raise a problem for the secretary's township."""

    village = forms.ModelChoiceField(
        label=_("村（可选）"),
        queryset=Village.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("请选择本乡镇的村。")},
    )
    factor = forms.ChoiceField(
        label=_("脱贫要素"),
        choices=[("", "---------"), *Factor.choices],
        error_messages={"required": _("请选择脱贫要素。"), "invalid_choice": _("请选择有效的脱贫要素。")},
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写问题描述。")},
    )

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            self.fields["village"].queryset = Village.objects.filter(township=township).order_by("code")

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise ValidationError(_("请填写问题描述。"))
        return text


class ProblemCloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("解决情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写解决情况。")},
    )


class ProblemTaskForm(forms.Form):
    """Turn a problem into a task with an owner and a deadline."""

    title = forms.CharField(
        label=_("任务名称"), max_length=200, error_messages={"required": _("请填写任务名称。")}
    )
    owner = forms.ModelChoiceField(
        label=_("责任人"),
        queryset=None,
        error_messages={"required": _("请选择责任人。"), "invalid_choice": _("责任人必须是本乡镇的干部。")},
    )
    due_on = forms.DateField(
        label=_("完成时限"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_year],
        error_messages={
            "required": _("请填写完成时限。"),
            "invalid": _("请输入有效的日期，例如 2016-12-31。"),
        },
    )
    target = forms.DecimalField(
        label=_("目标值"),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": _("请填写目标值。"),
            "invalid": _("目标值必须是数字。"),
            "max_digits": _("目标值过大。"),
            "max_whole_digits": _("目标值过大。"),
            "max_decimal_places": _("目标值最多保留两位小数。"),
        },
    )
    unit = forms.CharField(label=_("计量单位"), max_length=16, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
