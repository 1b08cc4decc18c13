"""Benchmarks of issue 7, run by hand: `python -m bench.run_all`, or one of them alone
(`python -m bench.decode_cost`, `bench.read_rate`, `bench.scan_to_approved`, `bench.ledger`,
`bench.startup_memory`). Each prints a table and writes JSON and a PNG chart into bench/results/;
bench/RESULTS.md is the write-up. Nothing here is part of the test suite."""
