"""The demo data set: realistic organisations, flows and agreements for trying the app."""
