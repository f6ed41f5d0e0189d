"""Number formats for zh-Hans pages: statistics tables and finance statements in mainland China
group digits by thousands with a comma (1,234,567.89), as the national statistical bulletins do;
Django's own zh_Hans formats leave numbers ungrouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
