"""Decoders: text and corners from clean and degraded synthetic frames; totality on garbage."""
from __future__ import annotations

import numpy as np
import pytest

from shared.scanning.decoders import decoder_named
from shared.scanning.live import CascadeDecoder
from shared.scanning.readers import MAX_TEXT_BYTES, Decoded, ZbarDecoder, ZxingDecoder, clean_text
from shared.scanning.synth import ean13_image, empty_frame, qr_image, synth_frame

TEXT = "QRPAY1:0123456789abcdef:購入テスト"


def _frame_result(decoder, frame):
    """What ScanPipeline makes of a frame of a video file: decode(), then the cascade's catch-up."""
    found = decoder.decode(frame)
    if isinstance(decoder, CascadeDecoder):
        found = found + [d for d in decoder.catch_up() if d.text not in {x.text for x in found}]
    return found
ASCII_TEXT = "QRPAY1:0123456789abcdef:purchase-test"  # zbar keeps only ASCII reads (see ZbarDecoder)


def _text_for(name: str) -> str:
    return ASCII_TEXT if name == "zbar" else TEXT


def _max_corner_error(decoded: Decoded, truth) -> float:
    return float(np.abs(np.array(decoded.corners) - np.array(truth)).max())


@pytest.mark.parametrize("name", ["zxing", "zbar", "cascade"])
@pytest.mark.parametrize("angle", [0, 30, 100, 200, 290])
def test_each_decoder_reads_text_and_corners_in_symbol_order(name, angle):
    s = synth_frame(qr_image(_text_for(name), box=6), angle=angle, scale=0.6, seed=angle)
    found = decoder_named(name).decode(s.frame)
    assert [d.text for d in found] == [_text_for(name)]
    d = found[0]
    assert d.symbology == "QRCode"
    assert d.decoder == ("zbar" if name == "zbar" else "zxing")
    assert len(d.corners) == 4
    # Corners start at the symbol's own top-left and go clockwise, whatever the rotation.
    assert _max_corner_error(d, s.corners) < 6.0


@pytest.mark.parametrize("name", ["zxing", "zbar", "cascade"])
def test_ean13_product_barcode(name):
    s = synth_frame(ean13_image("490123456789"), scale=0.5, size=(1280, 720), seed=3)
    found = _frame_result(decoder_named(name), s.frame)
    assert [(d.text, d.symbology) for d in found] == [("4901234567894", "EAN13")]
    xs = [x for x, _ in found[0].corners]
    true_xs = [x for x, _ in s.corners]
    assert min(xs) == pytest.approx(min(true_xs), abs=12) and max(xs) == pytest.approx(max(true_xs), abs=12)


def test_zbar_needs_the_blur_on_a_screen_photograph_and_zxing_does_not():
    s = synth_frame(qr_image(ASCII_TEXT, box=6), moire=1.0, scale=0.7, angle=12, seed=4)
    assert ZbarDecoder(blur_sigma=0).decode(s.frame) == []  # the screen's pixel grid defeats plain zbar
    assert [d.text for d in ZbarDecoder().decode(s.frame)] == [ASCII_TEXT]
    assert [d.text for d in ZxingDecoder().decode(s.frame)] == [ASCII_TEXT]


def _qr_of_bytes(data: bytes, box: int = 6) -> np.ndarray:
    import qrcode

    q = qrcode.QRCode(box_size=box, border=4)
    q.add_data(data)
    q.make(fit=True)
    m = np.array(q.get_matrix())
    return np.kron(np.where(m, 0, 255).astype(np.uint8), np.ones((box, box), np.uint8))


def test_zbar_guessed_character_set_never_becomes_a_wrong_text():
    """zbar converts a symbol's bytes from a character set it guesses; half-width katakana in
    Shift_JIS come out as other characters (seen on the ZXing black-box photos). A wrong text is
    worse than a miss: the decoders give the right text or nothing."""
    from pyzbar import pyzbar

    img = _qr_of_bytes("ﾃﾞｻﾞｲﾝQR".encode("shift_jis"))
    assert [d.data.decode() for d in pyzbar.decode(img)] != ["ﾃﾞｻﾞｲﾝQR"]  # raw zbar: a wrong text
    assert ZbarDecoder().decode(img) == []
    assert [d.text for d in ZxingDecoder().decode(img)] == ["ﾃﾞｻﾞｲﾝQR"]
    for name in ("cascade", "still"):
        assert [d.text for d in decoder_named(name).decode(img)] == ["ﾃﾞｻﾞｲﾝQR"]


def test_control_characters_are_not_spelled_out_into_a_text():
    """zxing's default text mode spells control characters out ("<SOH>"): a binary payload must
    stay refused, not turn into a printable text that passes clean_text."""
    img = np.pad(_qr_of_bytes(b"\x01\x10AD:SUB:x;;"), 20, constant_values=255)
    for name in ("zxing", "cascade", "still"):
        assert decoder_named(name).decode(img) == []


def test_cascade_reads_a_small_screen_photograph_that_zxing_misses():
    text = "QRPAY1:" + "B" * 140
    s = synth_frame(qr_image(text, box=6), scale=0.3, angle=35.822801496732666, contrast=0.4,
                    moire=1.0, seed=15)
    assert ZxingDecoder().decode(s.frame) == []
    cascade = CascadeDecoder()
    # The blurred pass is not in the frame's budget: it is the first catch-up look after it.
    assert cascade.decode(s.frame) == [] and cascade.zxing_blur_runs == 0
    found = cascade.catch_up()
    # zxing on the lightly blurred frame reads it; the ~27 ms full zbar pass (which read it before
    # the blurred pass was moved ahead of it) is not paid for.
    assert [(d.text, d.decoder) for d in found] == [(text, "zxing")]
    assert cascade.zbar_full_runs == 0 and cascade.zxing_blur_runs == 1
    assert _max_corner_error(found[0], s.corners) < 8.0


def test_cascade_reads_a_located_but_unreadable_code_from_a_crop():
    """Glare and noise: zxing finds the symbol but cannot decode it on the whole frame; zxing on
    the CLAHE-equalised crop reads it inside the frame's budget (zbar's slower look at the crop,
    which read it before, is deferred and not needed)."""
    text = "QRPAY1:" + "B" * 140
    s = synth_frame(qr_image(text, box=6), scale=0.8, angle=-29.397657070863286, blur=1.5, noise=35.0,
                    glare=1.2, seed=129)
    assert ZxingDecoder().decode(s.frame) == []
    cascade = CascadeDecoder(zbar_every=1000)
    cascade.decode(empty_frame(size=(1280, 720), seed=1))  # the periodic full pass, queued and dropped
    found = cascade.decode(s.frame)
    assert [(d.text, d.decoder) for d in found] == [(text, "zxing")]
    assert (cascade.zxing_roi_runs, cascade.zbar_roi_runs, cascade.zbar_full_runs) == (1, 0, 0)
    assert not cascade.has_idle_work or {w.kind for w in cascade._pending.queue} == {"others"}
    assert _max_corner_error(found[0], s.corners) < 8.0  # mapped back from the crop to frame pixels


def test_cascade_is_a_superset_of_zxing_on_a_degraded_set():
    rng = np.random.default_rng(11)
    img = qr_image("QRPAY1:" + "C" * 120, box=6)
    zx, both = 0, 0
    for i in range(24):
        f = synth_frame(img, scale=float(rng.choice([0.25, 0.4, 0.7])), angle=float(rng.uniform(-50, 50)),
                        perspective=float(rng.choice([0, 0.15])), blur=float(rng.choice([0, 1.5])),
                        noise=float(rng.choice([0, 15])), contrast=float(rng.choice([1, 0.4])),
                        moire=float(rng.choice([0, 1])), seed=i).frame
        a = {d.text for d in ZxingDecoder().decode(f)}
        b = {d.text for d in _frame_result(CascadeDecoder(), f)}
        assert a <= b
        zx += bool(a)
        both += bool(b)
    assert zx >= 12  # the set is degraded, not hopeless


def test_cascade_runs_full_zbar_only_every_nth_empty_frame():
    cascade = CascadeDecoder(zbar_every=5)
    frame = empty_frame(size=(640, 480), seed=2)
    for _ in range(11):
        assert _frame_result(cascade, frame) == []
    assert cascade.zbar_full_runs == 3  # frames 1, 6 and 11


def test_cascade_resets_its_counter_after_a_read():
    cascade = CascadeDecoder(zbar_every=3)
    empty = empty_frame(size=(640, 480), seed=2)
    code = synth_frame(qr_image(TEXT), size=(640, 480), seed=1).frame
    _frame_result(cascade, empty)
    _frame_result(cascade, empty)
    assert _frame_result(cascade, code)
    _frame_result(cascade, empty)  # first miss after a read: zbar gets its chance at once
    assert cascade.zbar_full_runs == 2


BAD_FRAMES = [
    None, b"\x89PNG\r\n", "frame", 42, np.zeros((0, 0), np.uint8), np.zeros((720, 1280), np.float32),
    np.zeros((720, 1280, 2), np.uint8), np.zeros((8, 8), np.uint8), np.zeros((10, 10, 10, 3), np.uint8),
    np.zeros((720, 1280), np.uint16), np.zeros(100, np.uint8),
]


@pytest.mark.parametrize("name", ["zxing", "zbar", "cascade", "still"])
@pytest.mark.parametrize("frame", BAD_FRAMES, ids=lambda f: type(f).__name__ + str(getattr(f, "shape", "")))
def test_bad_frames_give_nothing_and_no_exception(name, frame):
    assert decoder_named(name).decode(frame) == []


def test_huge_and_odd_frames_give_nothing_and_no_exception():
    """Every path of the deeper passes (still picture, idle work) is total too: a 9000 px frame
    (downscaled before any pass; never upscaled), other dtypes, a non-contiguous view."""
    rng = np.random.default_rng(9)
    huge = np.zeros((9000, 9000), np.uint8)
    odd = [huge, np.ones((720, 1280), bool), np.zeros((720, 1280, 3), np.int8),
           rng.integers(0, 256, (1440, 2560, 3), dtype=np.uint8)[::2, ::3], np.zeros((1, 100000), np.uint8)]
    cascade = CascadeDecoder(deep_every=1)
    still = decoder_named("still")
    for frame in odd:
        assert still.decode(frame) == []
        assert cascade.decode_still(frame) == []
        assert cascade.decode(frame) == []
        while cascade.has_idle_work:
            assert cascade.idle_step() == []


@pytest.mark.parametrize("name", ["zxing", "zbar", "still"])
def test_bgra_and_gray_and_strided_frames_are_accepted(name):
    import cv2

    f = synth_frame(qr_image(_text_for(name)), size=(640, 480), seed=5).frame
    dec = decoder_named(name)
    for variant in (cv2.cvtColor(f, cv2.COLOR_BGR2BGRA), cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), f[:, :, ::-1][:, :, ::-1],
                    cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)[:, :, None]):
        assert [d.text for d in dec.decode(variant)] == [_text_for(name)]


def test_random_noise_and_random_bytes_frames_fuzz():
    rng = np.random.default_rng(1234)
    decoders = [decoder_named(n) for n in ("zxing", "zbar", "cascade", "still")]
    for i in range(30):
        h, w = int(rng.integers(1, 300)), int(rng.integers(1, 300))
        shape = [(h, w), (h, w, 3), (h, w, 4), (h, w, 1)][i % 4]
        frame = rng.integers(0, 256, shape, dtype=np.uint8)
        raw = rng.bytes(int(rng.integers(0, 500)))
        for d in decoders:
            assert d.decode(frame) == []
            assert d.decode(raw) == []
    cascade = decoders[2]
    assert cascade.decode_still(raw) == [] and cascade.idle_step() == []


def test_clean_text_is_total():
    assert clean_text(b"  hello\n") == "hello"
    assert clean_text("日本語".encode("utf-8")) == "日本語"
    assert clean_text(b"\xff\xfe\x00") is None  # not UTF-8
    assert clean_text(b"abc\x00def") is None  # binary payload
    assert clean_text("x\x1b[31m") is None  # terminal escape
    assert clean_text(b"   ") is None and clean_text(b"") is None and clean_text(None) is None
    assert clean_text("a" * MAX_TEXT_BYTES) == "a" * MAX_TEXT_BYTES
    assert clean_text("a" * (MAX_TEXT_BYTES + 1)) is None
    assert clean_text("あ" * (MAX_TEXT_BYTES // 3 + 1)) is None  # the limit counts UTF-8 bytes
    assert clean_text("\ud800") is None
    assert clean_text(12) is None  # type: ignore[arg-type]


def test_oversized_and_binary_codes_in_frames_are_ignored():
    big = "Z" * (MAX_TEXT_BYTES + 10)
    img = qr_image(big, box=2, error_correction="L")
    frame = np.pad(img, 40, constant_values=255)
    for name in ("zxing", "zbar", "cascade", "still"):
        assert decoder_named(name).decode(frame) == []


def test_binary_qr_payload_is_ignored():
    import qrcode

    q = qrcode.QRCode(box_size=6, border=4)
    q.add_data(b"\x00\x01\x02\xff\xfe binary")
    q.make(fit=True)
    img = np.array(q.make_image().convert("L"))
    frame = np.pad(img, 40, constant_values=255)
    for name in ("zxing", "zbar", "cascade", "still"):
        assert decoder_named(name).decode(frame) == []


def test_unknown_decoder_name():
    with pytest.raises(ValueError):
        decoder_named("opencv")
