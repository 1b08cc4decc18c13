"""`qrpay`, the QA command line. `main.py` holds the global options and the output rules; each
`*_cmds.py` module registers one group of subcommands."""
