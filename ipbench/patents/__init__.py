"""Patent-record ingestion (issue 6): exports from CNIPA / incoPat / Patsnap → facts rows.

Pipeline (one module per step):

- :mod:`ipbench.patents.mappings`    column-mapping presets (YAML) → canonical field names
- :mod:`ipbench.patents.readers`     CSV (UTF-8/GBK, .gz) and XLSX files → one DuckDB table
- :mod:`ipbench.patents.records`     cleaning in DuckDB: application numbers, dates, IPC codes,
  duplicates, malformed cells (reported with file and row)
- :mod:`ipbench.patents.regions`     region assignment: area code first, address second
- :mod:`ipbench.patents.concordance` IPC → industry (longest prefix), counting policies
- :mod:`ipbench.patents.aggregate`   Ibis expressions: counts by region × industry × year
- :mod:`ipbench.patents.ingest`      the whole run with its summary
"""

from ipbench.patents.ingest import IngestResult, ingest

__all__ = ["IngestResult", "ingest"]
