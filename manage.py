#!/usr/bin/env python
"""Django's usual entry point; `berdaya` (the console script) does the same."""

from berdaya.cli import main

if __name__ == "__main__":
    main()
