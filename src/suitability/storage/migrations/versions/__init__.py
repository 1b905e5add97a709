"""One module per schema revision, applied in order by `suitability db upgrade` and at app start."""
