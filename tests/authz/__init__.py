"""The authorization matrix (matrix.csv), the walk that checks it, and the CSRF walk."""
