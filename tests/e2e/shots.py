"""Screenshots for review, taken only when asked: ``E2E_SCREENSHOTS=1 make test`` (or pytest)
saves each browser test's views under /tmp/chishui-e2e-*.png. A screenshot proves nothing
by itself and costs the suite time (a full page in CJK fonts takes up to a second), so the
tests assert what matters and the pictures are for a person to look at."""

import os


def shot(page, path, **options):
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=path, **options)
