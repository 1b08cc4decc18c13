"""The qrpay-sim payment core: accounts, TOTP, payment codes, ledger, sales, audit, storage.

Qt-free by rule (an import-linter contract in pyproject.toml): the apps import this package,
never the other way round.
"""
