#!/usr/bin/python3
"""Entry point of ./dta mininet (docs/mininet.md)."""
import sys

from dta_mininet.runner import main

sys.exit(main())
