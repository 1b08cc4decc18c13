"""The attack trainer: the 2019 attacks replayed against both policies, in front of an audience.

`qrpay-trainer` / `python -m trainer_app --db PATH [--lang ja|en]` (`python -m pos_app --trainer`
points here). It uses nothing of the till: the core (`shared.attacks`) runs every scenario and
this app only starts runs and shows results. One file per thing the presenter sees:
main_window (the window), policy_clock_bar, scenario_list, run_panel, results_tabs, chart; texts
holds its words for the core's names.
"""
