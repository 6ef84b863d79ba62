"""Insights for the entities: privacy (pseudonyms, small cells, redaction) and integrity."""
