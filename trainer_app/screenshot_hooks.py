"""Open one view of the trainer straight away (`--score-board`, `--show VIEW`), for trainees,
screenshots and rehearsed demos. Nothing here bypasses the core: a challenge is solved only by
doing it.

    defences[:NAME]              the trainer on its Defences page, the source of NAME shown
    score-board[:ID[:LEVEL]]     the score board, the hints of challenge ID open up to LEVEL
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
            board.scroll.ensureWidgetVisible(board.card(cid))
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
    print(f"qrpay-trainer: unknown view {view!r} (defences[:NAME], score-board[:ID[:LEVEL]])", file=sys.stderr)
    return 2
