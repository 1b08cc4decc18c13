"""Sign-in with an external ID (7pay's "SNS ID" login, switched off on 11 July 2019).

provider.py        SnsProvider (`core.sns`): the simulated SNS, an OpenID Connect provider
                   (authorization code + PKCE S256, ES256 ID tokens via joserfc, key in the config dir)
relying_party.py   ExternalIdService (`core.external_id`): the wallet's check of what the SNS says
                   (OpenID Connect Core 1.0 §3.1.3.7), account links by (iss, sub), `link`
"""
from shared.external_id.provider import (ISSUER, QUIZ_CLIENT_ID, WALLET_CLIENT_ID, WALLET_REDIRECT_URI, Authorization,
                                         SnsClient, SnsProvider, SnsUser, TokenResponse, pkce_challenge)
from shared.external_id.relying_party import (ExternalIdRefused, ExternalIdService, ExternalLink, SignInRequest)

__all__ = ["ISSUER", "QUIZ_CLIENT_ID", "WALLET_CLIENT_ID", "WALLET_REDIRECT_URI", "Authorization", "ExternalIdRefused",
           "ExternalIdService", "ExternalLink", "SignInRequest", "SnsClient", "SnsProvider", "SnsUser",
           "TokenResponse", "pkce_challenge"]
