"""Writes of the supervisors' recording pages: one versioned save for contracts, exposures
and commendations. Each write validates (``full_clean``: the model's rules and constraints,
the same the admin checks), runs in one transaction and is kept in the audit history under
the user who made it. Every write goes through the dashboards' one refresh path
(``summaries.changed``): contract targets and exposures are on the dashboards."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.dashboards import summaries


class EditConflict(Exception):
    """Someone saved the record after the editor opened it: nothing was written."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _("保存失败：该记录已被他人修改（当前为第%(version)s版）。请查看最新内容后重新修改。")
            % {"version": current.version}
        )


def create_record(user, model, data):
    """A new ``model`` row from ``data``, validated and in the history under ``user``. The
    same record submitted twice by the same user (a double tap) is recorded once: the second
    submit gets the first record."""
    with transaction.atomic():
        same = _same_record(user, model, data)
        if same is not None:
            return same
        record = model(**data)
        record.full_clean()
        record._history_user = user
        record.save()
        summaries.changed([record])  # contract targets, 电视问政: the cached dashboards
    return record


def update_record(user, record, data, seen_version):
    """Change ``record`` to ``data`` if nobody saved it since the editor saw
    ``seen_version`` (optimistic locking: else :class:`EditConflict`, nothing written).
    Saves only the fields that changed, and nothing when none did; returns the record."""
    with transaction.atomic():
        current = type(record).objects.select_for_update().get(pk=record.pk)
        if current.version != seen_version:
            raise EditConflict(current)
        changed = [name for name, value in data.items() if _stored(current, name) != _stored_value(value)]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, data[name])
        current.version += 1
        current.full_clean()
        current._history_user = user
        current.save(update_fields=[*changed, "version"])
        summaries.changed([current])
    return current


def _same_record(user, model, data):
    """The row of ``model`` with exactly ``data`` that ``user`` created (its audit history's
    first record is his), or None. The user's row is locked first, so his two simultaneous
    submits take turns and the second finds the first."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    created = model.history.filter(history_type="+", history_user=user).values("id")
    return model.objects.filter(pk__in=created, **data).order_by("pk").first()


def _stored(record, name):
    """The stored value of field ``name`` (a relation's id: no query for the related row)."""
    return getattr(record, record._meta.get_field(name).attname)


def _stored_value(value):
    return getattr(value, "pk", value)
