"""Batch plan evaluation: many seeded runs per variant, KPI statistics, local pool or Dask cluster."""
