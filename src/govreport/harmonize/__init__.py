"""Cross-report series: the crosswalk between templates and the fact series."""
