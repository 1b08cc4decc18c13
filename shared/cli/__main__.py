"""`python -m shared.cli`: the same `qrpay` command line, for a checkout that is not installed."""
import sys

from shared.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
