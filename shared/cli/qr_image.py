"""The customer's payment code read from a picture file (`code inspect --image`, `pay --image`):
what a till's camera would see, decoded with every pass of the
cascade (`decode_still`: a still picture may take longer than a live frame)."""
from __future__ import annotations

from pathlib import Path

from shared.errors import InputError
from shared.scanning.decoders import decoder_named


def read_qr_image(path: str) -> str:
    """The text of the one QR code in an image file (several different codes are refused: crop it)."""
    import cv2

    if not Path(path).is_file():
        raise InputError(f"No such image file: {path}.")
    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise InputError(f"{path} is not an image this tool can read.")
    texts = [d.text for d in decoder_named("cascade").decode_still(frame) if d.symbology == "QRCode"]
    if not texts:
        raise InputError(f"No QR code could be read in {path}.", code="no_code_found")
    if len(set(texts)) > 1:
        raise InputError(f"{path} shows more than one QR code; crop it to the customer's code.", code="several_codes")
    return texts[0]
