"""Number formats of the Chinese interface; everything else falls back to Django's zh_Hans formats.

Statistics offices and the ledgers write large numbers with a comma every three digits (1,000,000), which Django's
zh_Hans locale leaves out (THOUSAND_SEPARATOR is empty)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
