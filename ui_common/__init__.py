"""Qt pieces both apps use: the theme, application start-up, the policy badge, the QR widget.

The apps import this package; the payment core (`shared/`) never does.
"""
