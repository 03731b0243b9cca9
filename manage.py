#!/usr/bin/env python
"""Django's command-line utility; the `erp` console script wraps the same entry point."""

import sys

from erp.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
