"""Statutory returns and dashboards (R46): Ofsted's Annex A, the DfE children in need census.

`returns` reads every other app and nothing depends on it.
"""
