"""What the demo's steps share: the seeded random generator, the rows each step made for
the steps after it, and the one way a step writes rows it does not write through a product
service (``save``: validated like a form would, then inserted in bulk)."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from devdata.demo.figures import SEED
from devdata.demo.names import GIVEN, SURNAMES

BATCH = 1000


class County:
    """The demo county under construction. Steps read what earlier steps stored here
    (``county.townships``, ``county.tasks`` …) and add their own rows; ``counts`` collects
    the summary the ``demo`` command prints. One random generator, used in a fixed order,
    makes every build identical."""

    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.counts = {}

    def person(self):
        rng = self.rng
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        return rng.choice(SURNAMES) + given

    def date_between(self, start, end):
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def count(self, model, number):
        self.counts[model._meta.verbose_name_plural] = number


def validate(objs):
    """``full_clean()`` every object: its fields (choices, lengths, validators, required
    values) and the model's own ``clean()`` rules, exactly as a form or a service checks
    them. Two checks are left to the database, which makes the same ones on insert: that a
    foreign key points to an existing row (each one was saved by an earlier step of the same
    transaction; checking it here would cost one query per row and key) and the named
    constraints (``UniqueConstraint``/``CheckConstraint``, each a database constraint)."""
    for obj in objs:
        relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return objs


def save(model, objs):
    """Validate ``objs`` (see ``validate``) and insert them in batches; returns them with
    their primary keys."""
    return model.objects.bulk_create(validate(objs), batch_size=BATCH)


def money(value):
    return Decimal(value).quantize(Decimal("0.01"))


def allocate(total, weights):
    """Split the integer ``total`` in proportion to ``weights`` (largest remainder): the
    parts are integers that add up to ``total`` exactly."""
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def filed_at(week):
    """18:00 on the Friday of ``week``, Chishui time."""
    friday = week + dt.timedelta(days=4)
    return timezone.make_aware(dt.datetime.combine(friday, dt.time(18, 0)))


class DemoError(Exception):
    """The demo cannot be built (the message says why, in Chinese)."""
