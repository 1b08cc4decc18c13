"""The tour's words: for each step of the 7pay timeline (shared/tour.py STEPS) its title, the
narration the presenter reads, and what each policy's run shows; the attack's steps in plain
words per (action, outcome). Marked for lupdate under the "Tour" context (ui_common_ja.ts holds
the Japanese); `tr_tour` translates at run time. Facts and figures: docs/TOUR.md.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP

from shared.attacks.base import Actor, Step
from ui_common.app import context_tr

CONTEXT = "Tour"
tr_tour = context_tr(CONTEXT)


@dataclass(frozen=True, slots=True)
class StepWords:
    title: str
    narration: str
    under_2019: str = ""        # what the 2019 run shows (live steps)
    under_hardened: str = ""    # what the hardened run shows
    told_only: str = ""         # a step whose live part is not in this build


WORDS: dict[str, StepWords] = {
    "launch": StepWords(
        QT_TRANSLATE_NOOP("Tour", "Launch: a wallet behind a password alone"),
        QT_TRANSLATE_NOOP("Tour", "7pay, the smartphone wallet of a large Japanese convenience-store group, "
                                  "launched inside the stores' existing app, rushed out for the October "
                                  "consumption-tax rise and a rival's same-day launch. A password alone let a "
                                  "new phone into an account, top-ups of up to ¥300,000 a day were allowed, and "
                                  "nothing watched for unusual activity."),
        told_only=QT_TRANSLATE_NOOP("Tour", "Both windows now run the 2019 settings (the striped badge). The "
                                            "phone beside the till is a customer, 山田 花子, signed in with her "
                                            "password only.")),
    "fraud-found": StepWords(
        QT_TRANSLATE_NOOP("Tour", "Fraud found: credential stuffing"),
        QT_TRANSLATE_NOOP("Tour", "Two days after launch, customers saw purchases they never made: cigarettes "
                                  "and prepaid cards, goods that resell for cash. The company's review named "
                                  "“list-type account hacking”: e-mail and password pairs leaked from other "
                                  "services, replayed against the sign-in. A reused password was all that "
                                  "protected an account."),
        QT_TRANSLATE_NOOP("Tour", "Live: a bot replays a leaked list, and 山田 花子 reused her password. Watch "
                                  "her balance on the phone, then her history and her mailbox."),
        QT_TRANSLATE_NOOP("Tour", "The same list against the hardened settings: the right password is not "
                                  "enough without the authenticator's code, the reply does not tell the bot "
                                  "the password was right, and the wave of failures raises an alert at the "
                                  "till.")),
    "press-conference": StepWords(
        QT_TRANSLATE_NOOP("Tour", "The press conference: “two-step verification?”"),
        QT_TRANSLATE_NOOP("Tour", "Top-ups and sign-ups were stopped. At the press conference management could "
                                  "not say what two-step verification (二段階認証) was; it had been planned and "
                                  "dropped to “lower the entrance”. The separate top-up password could be "
                                  "changed from inside the app, and one victim saw three large top-ups within "
                                  "one minute. No alert fired."),
        QT_TRANSLATE_NOOP("Tour", "Live: with the leaked password alone the attacker signs in, changes the "
                                  "top-up password, charges her card three times in a minute and spends it "
                                  "all."),
        QT_TRANSLATE_NOOP("Tour", "Hardened: signing in, topping up and changing the top-up password each need "
                                  "a fresh code from the authenticator app. The attacker gets none of them.")),
    "external-id": StepWords(
        QT_TRANSLATE_NOOP("Tour", "External-ID sign-in switched off"),
        QT_TRANSLATE_NOOP("Tour", "7pay switched off sign-in with external IDs (social accounts), which had "
                                  "widened the attack surface of the group's shared ID system. A safe external "
                                  "sign-in checks the ID token's signature, issuer, audience, nonce and expiry "
                                  "(OpenID Connect Core 1.0 §3.1.3.7) and links accounts by the provider's "
                                  "subject, never by an e-mail address alone."),
        QT_TRANSLATE_NOOP("Tour", "Live: the app trusts what the client says about the external account, and "
                                  "the attacker is in."),
        QT_TRANSLATE_NOOP("Tour", "Hardened: the token is verified, and the authenticator's code is still asked "
                                  "for before a payment code is shown."),
        QT_TRANSLATE_NOOP("Tour", "The live part of this step comes with the external-ID scenario "
                                  "(external-id-takeover), which this build does not have yet.")),
    "password-reset": StepWords(
        QT_TRANSLATE_NOOP("Tour", "Every password reset"),
        QT_TRANSLATE_NOOP("Tour", "Every member's password was force-reset. The reset form had asked for "
                                  "e-mail, birthdate and phone, then sent the reset link to a destination "
                                  "address typed into the form; accounts registered without a birthdate had a "
                                  "default one (2019-01-01)."),
        QT_TRANSLATE_NOOP("Tour", "Live: knowing only her e-mail address, the attacker has her reset code sent "
                                  "to his own mailbox, sets a new password and spends. Her wallet is signed "
                                  "out, and her mailbox says her password was reset."),
        QT_TRANSLATE_NOOP("Tour", "Hardened: the code goes only to the address of record, the redirect raises "
                                  "an alert, and finishing a reset still needs the authenticator app.")),
    "shutdown": StepWords(
        QT_TRANSLATE_NOOP("Tour", "Shutdown announced"),
        QT_TRANSLATE_NOOP("Tour", "The group announced that 7pay would close on 30 September 2019. In all, "
                                  "808 customers were victims and about ¥38.6 million was taken in one month; "
                                  "all of it was refunded. The regulator (METI) found that 7pay broke the "
                                  "industry guideline for code payments on two points: binding the user's "
                                  "device and identity (in effect, a second factor) and fraud monitoring."),
        told_only=QT_TRANSLATE_NOOP("Tour", "Every attack in this tour was stopped by a defence 7pay lacked. "
                                            "The till's Alerts tab lists what the hardened settings caught.")),
}

SOURCE = QT_TRANSLATE_NOOP("Tour", "Sources: the company's announcements and press conferences (July–August "
                                   "2019) and METI (July 2019), as reported at the time; see docs/TOUR.md.")

ACTORS = {
    Actor.ATTACKER: QT_TRANSLATE_NOOP("Tour", "Attacker"),
    Actor.VICTIM: QT_TRANSLATE_NOOP("Tour", "Victim"),
    Actor.TILL: QT_TRANSLATE_NOOP("Tour", "Till"),
    Actor.SYSTEM: QT_TRANSLATE_NOOP("Tour", "System"),
}

# A scenario step in the tour's words, by (action, attacker_gain): the core's own sentences are
# English (and name generated addresses); the audience reads these.
STEP_TEXTS: dict[tuple[str, bool | None], str] = {
    ("start", None): QT_TRANSLATE_NOOP("Tour", "The attack begins."),
    ("setup", None): QT_TRANSLATE_NOOP("Tour", "Customers and a store are set up."),
    ("leak", None): QT_TRANSLATE_NOOP("Tour", "A list of e-mail and password pairs leaked from another "
                                              "service is loaded."),
    ("progress", None): QT_TRANSLATE_NOOP("Tour", "The bot works through the leaked list…"),
    ("sign_in", True): QT_TRANSLATE_NOOP("Tour", "Signed in to the victim's account with the leaked password."),
    ("sign_in", False): QT_TRANSLATE_NOOP("Tour", "Sign-in refused."),
    ("sign_in", None): QT_TRANSLATE_NOOP("Tour", "The victim uses the wallet on her own phone."),
    ("phone", None): QT_TRANSLATE_NOOP("Tour", "Picks up the victim's phone, still signed in."),
    ("set_topup_password", True): QT_TRANSLATE_NOOP("Tour", "Changes the top-up password: no second factor is "
                                                            "asked for."),
    ("set_topup_password", False): QT_TRANSLATE_NOOP("Tour", "Changing the top-up password needs the "
                                                             "authenticator: refused."),
    ("top_up", True): QT_TRANSLATE_NOOP("Tour", "A top-up is charged to the victim's card."),
    ("top_up", False): QT_TRANSLATE_NOOP("Tour", "The top-up is refused."),
    ("issue_code", True): QT_TRANSLATE_NOOP("Tour", "A payment code is shown."),
    ("issue_code", False): QT_TRANSLATE_NOOP("Tour", "No payment code without the authenticator's code."),
    ("pay", True): QT_TRANSLATE_NOOP("Tour", "Resale goods are bought with the victim's wallet at a till."),
    ("pay", False): QT_TRANSLATE_NOOP("Tour", "The till refuses the payment."),
    ("alert", False): QT_TRANSLATE_NOOP("Tour", "An alert is raised for the store's staff."),
    ("request_reset", None): QT_TRANSLATE_NOOP("Tour", "Asks for the victim's password reset, sent to an "
                                                       "address of the attacker's choice."),
    ("read_mail", True): QT_TRANSLATE_NOOP("Tour", "The reset code arrives in the attacker's mailbox."),
    ("read_mail", False): QT_TRANSLATE_NOOP("Tour", "No reset code arrives at the attacker's address."),
    ("complete_reset", True): QT_TRANSLATE_NOOP("Tour", "Sets a new password: the victim is locked out."),
    ("complete_reset", False): QT_TRANSLATE_NOOP("Tour", "The reset cannot be finished without the "
                                                         "authenticator."),
    # external-id-takeover (11 July)
    ("link_sns", None): QT_TRANSLATE_NOOP("Tour", "The victim links her social-network account to the wallet."),
    ("sns_other_app", None): QT_TRANSLATE_NOOP("Tour", "She signs in to a quiz app with the same account; the quiz "
                                                       "is the attacker's, who now holds a signed ID token for her."),
    ("read_profile", None): QT_TRANSLATE_NOOP("Tour", "Reads her social-network user id off her public profile."),
    ("send_user_id", True): QT_TRANSLATE_NOOP("Tour", "Signs in as her by sending her user id: the app believes it."),
    ("send_user_id", False): QT_TRANSLATE_NOOP("Tour", "A user id alone proves nothing: refused."),
    ("token_substitution", True): QT_TRANSLATE_NOOP("Tour", "Signs in with the ID token issued to the quiz app: "
                                                            "accepted."),
    ("token_substitution", False): QT_TRANSLATE_NOOP("Tour", "The ID token was issued to another app: refused."),
    ("sns_password", None): QT_TRANSLATE_NOOP("Tour", "With her leaked social-network password, signs in through "
                                                      "the real flow."),
    ("sns_password", False): QT_TRANSLATE_NOOP("Tour", "The social-network sign-in is refused."),
    ("finish", True): QT_TRANSLATE_NOOP("Tour", "The attack succeeded."),
    ("finish", False): QT_TRANSLATE_NOOP("Tour", "The attack was stopped."),
}
# where one scenario's step means something else than the same action elsewhere
SCENARIO_STEP_TEXTS: dict[tuple[str, str, bool | None], str] = {
    ("reset-hijack", "sign_in", True): QT_TRANSLATE_NOOP("Tour", "Signs in to the victim's account with the "
                                                                 "password he has just set."),
}
OTHER_STEP = QT_TRANSLATE_NOOP("Tour", "Another step of the attack ({action}).")

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def step_text(step: Step, scenario: str | None = None) -> str:
    """What the tour says for one step of `scenario` (translated)."""
    text = SCENARIO_STEP_TEXTS.get((scenario or "", step.action, step.attacker_gain))
    text = text or STEP_TEXTS.get((step.action, step.attacker_gain))
    if text is None and step.attacker_gain is not None:
        text = STEP_TEXTS.get((step.action, None))
    return tr_tour(text) if text is not None else tr_tour(OTHER_STEP).format(action=step.action)


def actor_name(actor: Actor) -> str:
    return tr_tour(ACTORS[actor])


def date_text(day: _dt.date, language: str) -> str:
    if language == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def words(key: str) -> StepWords:
    """The step's words, translated."""
    w = WORDS[key]
    return StepWords(*(tr_tour(t) if t else "" for t in (w.title, w.narration, w.under_2019, w.under_hardened,
                                                           w.told_only)))
