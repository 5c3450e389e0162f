"""The public register of active data-sharing arrangements and its open-data feed."""
