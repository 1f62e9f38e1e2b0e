"""Django's zh_Hans formats, with thousands grouped by three as Chinese government reports
print money (11,357,000.00): Django's own zh_Hans leaves THOUSAND_SEPARATOR empty, so
``floatformat:"2g"`` would print 11357000.00. USE_THOUSAND_SEPARATOR stays off, so form
inputs are not grouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
