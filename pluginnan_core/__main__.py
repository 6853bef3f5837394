# Entry point for `python -m pluginnan_core`.
import sys

from .cli import main

sys.exit(main())
