"""dq — data quality of medical quality registries.

The package is laid out by architecture: ``dq.io`` reads what users hand dq, ``dq.spec`` reads the
registry spec (dq.toml), one module per data-quality check computes (``dq.completeness``,
``dq.coverage``, …), ``dq.render`` turns results into terminal, JSON, CSV and Markdown output, and
``dq.cli`` only translates command lines into calls.
"""

__version__ = "0.1.0"
