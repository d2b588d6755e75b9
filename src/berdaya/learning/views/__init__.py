"""The learning pages, one module per concept (thin: parse, call, render)."""
