"""Command-line interface (``ipbench ...``), one module per command group."""
