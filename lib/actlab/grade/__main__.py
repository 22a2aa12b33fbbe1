"""``python -m actlab.grade``: the same command as ``actlab-grade``."""
import sys

from . import main

sys.exit(main())
