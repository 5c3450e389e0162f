"""The algorithm register: each automated or predictive system the City uses through a vendor
or partner, its review, and the vendor's AI fact sheets that keep it current."""
