"""`python -m mlbot` runs the command line."""
import sys

from mlbot.cli import main

sys.exit(main())
