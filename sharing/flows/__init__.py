"""Data flows, the data-category vocabulary, the review workflow and risk tiers."""
