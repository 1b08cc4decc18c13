"""Open one view of the trainer straight away (`--score-board`, `--show VIEW`), for trainees,
screenshots and rehearsed demos. Nothing here bypasses the core: a challenge is solved only by
doing it.

    defences[:NAME]              the trainer on its Defences page, the source of NAME shown
    score-board[:ID[:LEVEL]]     the score board, the hints of challenge ID open up to LEVEL
    step:NAME[:POLICY]           scenario NAME run one step at a time (waiting for "Next step")
"""
from __future__ import annotations

import sys


def open_view(core, view: str):
    kind, _, rest = view.partition(":")
    if kind == "score-board":
        from trainer_app.score_board_window import ScoreBoardWindow

        board = ScoreBoardWindow(core)
        board.show()
        if rest:
            cid, _, level = rest.partition(":")
            if cid not in board.cards:
                print(f"qrpay-trainer: unknown challenge {cid!r}", file=sys.stderr)
                board.shutdown()
                return 2
            for n in range(1, int(level or 1) + 1):
                board.card(cid).open_hint(n)
            card = board.card(cid)

            def scroll_to_card() -> None:   # once the first poll said whether it is solved
                board.refreshed.disconnect(scroll_to_card)
                board.scroll.ensureWidgetVisible(card.explanation if card.is_solved() else card, 0, 0)

            board.refreshed.connect(scroll_to_card)
        return board
    if kind == "defences":
        from trainer_app.main_window import TrainerWindow

        window = TrainerWindow(core)
        window.show()
        window.show_defences()
        if rest:
            window.defence_panel.show_source(rest)
            window.defence_panel.scroll_to(rest)
        return window
    if kind == "step" and rest:
        from PySide6.QtCore import QTimer

        from trainer_app.main_window import TrainerWindow

        name, _, policy = rest.partition(":")
        window = TrainerWindow(core)
        window.show()
        if name not in window.scenarios:
            print(f"qrpay-trainer: unknown scenario {name!r}", file=sys.stderr)
            window.shutdown()
            return 2
        window.select_scenario(name)
        window.run_panel.set_pace("step")
        QTimer.singleShot(300, lambda: window.run_selected((policy or "2019",)))
        return window
    print(f"qrpay-trainer: unknown view {view!r} (defences[:NAME], score-board[:ID[:LEVEL]], step:NAME[:POLICY])", file=sys.stderr)
    return 2
