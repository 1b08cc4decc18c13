"""Synthetic webcam frames of a code, for tests and benchmarks (there is no webcam on CI).

`qr_image` renders a text as the wallet does (black modules on white, quiet zone);
`synth_frame` / `webcam_frame` place an image of a code on a textured background the way a
webcam sees a phone held up to it: perspective, rotation, defocus blur, sensor noise, low
contrast, a glare spot, a small code, and the moiré of a photographed screen. Everything is
seeded and deterministic: the same arguments give the same pixels.
`write_video` / `write_sequence` store frames so that `cv2.VideoCapture` reads them back through
the same path a webcam uses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import cv2
import numpy as np

Corners = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


def qr_image(text: str, *, box: int = 8, border: int = 4, error_correction: str = "M") -> np.ndarray:
    """A grayscale uint8 image of `text` as a QR code (`box` px per module, `border` modules of quiet zone)."""
    import qrcode
    from qrcode import constants

    levels = {"L": constants.ERROR_CORRECT_L, "M": constants.ERROR_CORRECT_M,
              "Q": constants.ERROR_CORRECT_Q, "H": constants.ERROR_CORRECT_H}
    q = qrcode.QRCode(box_size=box, border=border, error_correction=levels[error_correction])
    q.add_data(text.encode("utf-8"))
    q.make(fit=True)
    matrix = np.array(q.get_matrix(), dtype=bool)  # includes the border
    img = np.where(matrix, 0, 255).astype(np.uint8)
    return np.kron(img, np.ones((box, box), dtype=np.uint8))


def ean13_image(digits: str, *, scale: int = 3) -> np.ndarray:
    """A grayscale image of an EAN-13 barcode (12 or 13 digits; the check digit is computed/checked)."""
    import zxingcpp

    bc = zxingcpp.create_barcode(digits, zxingcpp.BarcodeFormat.EAN13)
    img = np.array(zxingcpp.write_barcode_to_image(bc, scale=scale, add_quiet_zones=True))
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    # Bars only are drawn; give it a human-size height and a white margin above and below.
    h = max(img.shape[0], img.shape[1] // 2)
    img = cv2.resize(img, (img.shape[1], h), interpolation=cv2.INTER_NEAREST)
    return cv2.copyMakeBorder(img, 10 * scale, 10 * scale, 0, 0, cv2.BORDER_CONSTANT, value=255)


@dataclass(frozen=True, eq=False)
class SynthFrame:
    """A frame and where the symbol's corners truly are (screen-clockwise from the symbol's top-left)."""

    frame: np.ndarray
    corners: Corners


def _symbol_box(img: np.ndarray) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 of the dark part of the image (the symbol without its quiet zone)."""
    ys, xs = np.nonzero(img < 128)
    if len(xs) == 0:
        return 0, 0, img.shape[1], img.shape[0]
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _background(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A desk-and-room-like texture: smooth shading, a few objects, fine grain."""
    small = rng.normal(0.0, 1.0, (max(2, h // 90), max(2, w // 90), 3))
    bg = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    bg = 120 + 35 * bg
    for _ in range(int(rng.integers(3, 8))):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(40, w // 3)), y0 + int(rng.integers(20, h // 3))
        colour = tuple(float(c) for c in rng.integers(40, 220, 3))
        cv2.rectangle(bg, (x0, y0), (x1, y1), colour, -1)
    for _ in range(int(rng.integers(2, 6))):
        p0 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        p1 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.line(bg, p0, p1, tuple(float(c) for c in rng.integers(0, 255, 3)), int(rng.integers(1, 6)))
    bg += rng.normal(0.0, 4.0, bg.shape)
    return bg.astype(np.float32)


def _screen_texture(img: np.ndarray, *, px: int = 3) -> np.ndarray:
    """`img` (gray) as a monitor shows it, magnified: each screen pixel is px x px render pixels
    with R, G, B stripes and a dark gap between pixel rows. Sampling this down through a camera
    without area averaging produces the moiré that upsets zbar."""
    h, w = img.shape
    big = cv2.resize(img, (w * px, h * px), interpolation=cv2.INTER_NEAREST).astype(np.float32)
    mask = np.ones((px, px, 3), np.float32) * 0.25
    for c in range(3):  # BGR order: B stripe on the right
        mask[:, (2 - c) * px // 3:(3 - c) * px // 3 or px, c] = 1.0
    mask[-1, :, :] *= 0.35
    tiled = np.tile(mask, (h, w, 1))
    return big[:, :, None] * tiled * 1.6 + 10


def damaged(img: np.ndarray, amount: float, *, seed: int = 0) -> np.ndarray:
    """`img` (a code image) with `amount` (0..0.3) of the symbol's area covered by seeded blots:
    dark smudges and white scratches, as on a worn sticker. Corners and quiet zone stay."""
    if amount <= 0:
        return img
    rng = np.random.default_rng(seed)
    out = img.copy()
    x0, y0, x1, y1 = _symbol_box(img)
    side = x1 - x0
    covered = np.zeros(img.shape, bool)
    target = amount * (x1 - x0) * (y1 - y0)
    while covered[y0:y1, x0:x1].sum() < target:
        r = int(rng.uniform(0.03, 0.08) * side)
        cx, cy = int(rng.uniform(x0 + 0.25 * side, x1 - 0.25 * side)), int(rng.uniform(y0 + 0.25 * side, y1 - 0.25 * side))
        blot = np.zeros(img.shape, np.uint8)
        cv2.ellipse(blot, (cx, cy), (r, max(1, int(r * rng.uniform(0.4, 1.0)))), float(rng.uniform(0, 180)), 0, 360, 1, -1)
        out[blot > 0] = 40 if rng.random() < 0.5 else 230
        covered |= blot > 0
    return out


def curved(img: np.ndarray, amount: float) -> np.ndarray:
    """`img` (gray) as printed on a cylinder (a can, a bottle) seen from the side: the columns
    crowd towards both edges and the rows bow. `amount`: 0..1, 1 is a half-turn of the cylinder."""
    if amount <= 0:
        return img
    h, w = img.shape
    phi = max(1e-3, amount * math.pi / 2)
    u = np.linspace(-1.0, 1.0, w, dtype=np.float32)
    src_u = np.arcsin(np.clip(u * math.sin(phi), -1, 1)) / phi          # crowding near the edges
    map_x = np.tile((src_u + 1) * (w - 1) / 2, (h, 1)).astype(np.float32)
    bow = (0.08 * amount * h) * (1 - np.cos(u * phi)) / max(1e-6, 1 - math.cos(phi))
    map_y = (np.arange(h, dtype=np.float32)[:, None] - bow[None, :]).astype(np.float32)
    return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def synth_frame(img: np.ndarray, *, size: tuple[int, int] = (1280, 720), scale: float = 0.5,
                angle: float = 0.0, perspective: float = 0.0, blur: float = 0.0, noise: float = 0.0,
                contrast: float = 1.0, glare: float = 0.0, moire: float = 0.0,
                offset: tuple[float, float] = (0.0, 0.0), seed: int = 0, background: np.ndarray | None = None,
                damage: float = 0.0, curve: float = 0.0) -> SynthFrame:
    """`img` (a grayscale code image with its quiet zone) as a webcam sees it.

    size: (width, height) of the frame. scale: the code image's side as a fraction of the frame
    height. angle: rotation in degrees, counter-clockwise on screen. perspective: 0..0.3, how far
    each corner moves (fraction of the side) for a tilted phone. blur: Gaussian sigma in frame
    pixels (defocus). noise: standard deviation of sensor noise in grey levels. contrast: 1 is a
    full black-to-white code, 0.3 a washed-out one. glare: 0..1, a bright spot over part of the
    code. moire: 0..1, how much of a monitor's pixel texture is seen. offset: the code's centre
    relative to the frame centre, in fractions of the frame size. background: a float32 BGR frame
    to draw on instead of a fresh one (`multi_frame` puts several codes in one picture). damage:
    0..0.3 of the symbol covered by blots (`damaged`). curve: 0..1, printed on a cylinder (`curved`;
    the corners returned are then those of the flat symbol's outline, approximately).
    """
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    rng = np.random.default_rng(seed)
    w, h = size
    bg = _background(rng, w, h) if background is None else background
    img = curved(damaged(img, damage, seed=seed), curve)

    src_img = img
    factor = 1
    if moire > 0:
        factor = 3
        screen = _screen_texture(img, px=factor)
        plain = cv2.resize(img, (img.shape[1] * factor, img.shape[0] * factor),
                           interpolation=cv2.INTER_NEAREST).astype(np.float32)
        src_img = moire * screen + (1 - moire) * plain[:, :, None]
    else:
        src_img = np.repeat(img.astype(np.float32)[:, :, None], 3, axis=2)
    sh, sw = src_img.shape[:2]

    side = scale * h
    cx, cy = w / 2 + offset[0] * w, h / 2 + offset[1] * h
    half = side / 2
    a = math.radians(-angle)  # counter-clockwise on screen, where y grows downwards
    ca, sa = math.cos(a), math.sin(a)
    dst = []
    for ux, uy in ((-half, -half), (half, -half), (half, half), (-half, half)):
        jx, jy = rng.uniform(-1, 1, 2) * perspective * side
        dst.append((cx + ux * ca - uy * sa + jx, cy + ux * sa + uy * ca + jy))
    src = np.float32([(0, 0), (sw, 0), (sw, sh), (0, sh)])
    H = cv2.getPerspectiveTransform(src, np.float32(dst))
    # INTER_LINEAR without prefiltering: a camera sensor samples, it does not average a screen.
    warped = cv2.warpPerspective(src_img, H, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.ones((sh, sw), np.float32), H, (w, h), flags=cv2.INTER_LINEAR)
    frame = bg * (1 - mask[:, :, None]) + warped

    if contrast != 1.0:
        frame = 128 + (frame - 128) * contrast
    if glare > 0:
        gx, gy = cx + rng.uniform(-0.25, 0.25) * side, cy + rng.uniform(-0.25, 0.25) * side
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * (0.18 * side) ** 2)
        frame = frame + (glare * 255 * np.exp(-r2))[:, :, None]
    if blur > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur)
    if noise > 0:
        frame = frame + rng.normal(0.0, noise, frame.shape)
    out = np.clip(frame, 0, 255).astype(np.uint8)

    x0, y0, x1, y1 = _symbol_box(img)
    sym = np.float32([[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]]) * factor
    pts = cv2.perspectiveTransform(sym, H)[0]
    corners = tuple((float(x), float(y)) for x, y in pts)
    return SynthFrame(out, corners)  # type: ignore[arg-type]


def multi_frame(images: Sequence[np.ndarray], *, size: tuple[int, int] = (1280, 720), scale: float = 0.22,
                seed: int = 0, **kwargs) -> tuple[np.ndarray, list[Corners]]:
    """Several codes in one picture (a sheet of codes, a shelf): `images` laid out on a grid with
    a small seeded wobble, each `scale` of the frame height; the frame and each code's corners."""
    rng = np.random.default_rng(seed)
    w, h = size
    n = len(images)
    cols = max(1, math.ceil(math.sqrt(n * w / h)))
    rows = math.ceil(n / cols)
    canvas = _background(rng, w, h)
    corners = []
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        off = ((c + 0.5) / cols - 0.5 + float(rng.uniform(-0.02, 0.02)),
               (r + 0.5) / rows - 0.5 + float(rng.uniform(-0.02, 0.02)))
        s = synth_frame(img, size=size, scale=scale, offset=off, seed=seed * 100 + i,
                        angle=float(rng.uniform(-8, 8)), background=canvas, **kwargs)
        canvas = s.frame.astype(np.float32)
        corners.append(s.corners)
    return np.clip(canvas, 0, 255).astype(np.uint8), corners


def webcam_frame(img: np.ndarray, **kwargs) -> np.ndarray:
    """`synth_frame(img, **kwargs).frame`."""
    return synth_frame(img, **kwargs).frame


def webcam_clip(img: np.ndarray, n: int, *, seed: int = 0, jitter: float = 0.01, **kwargs) -> list[np.ndarray]:
    """`n` frames of a hand-held code: the same settings with a small seeded wobble per frame."""
    rng = np.random.default_rng(seed)
    frames = []
    base = kwargs.pop("offset", (0.0, 0.0))
    base_angle = kwargs.pop("angle", 0.0)
    for i in range(n):
        dx, dy = rng.uniform(-jitter, jitter, 2)
        frames.append(webcam_frame(img, offset=(base[0] + dx, base[1] + dy),
                                   angle=base_angle + float(rng.uniform(-2, 2)), seed=seed * 1000 + i, **kwargs))
    return frames


def empty_frame(*, size: tuple[int, int] = (1280, 720), seed: int = 0) -> np.ndarray:
    """A frame with no code in view: the till's normal state."""
    w, h = size
    return np.clip(_background(np.random.default_rng(seed), w, h), 0, 255).astype(np.uint8)


def _bgr(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR) if frame.ndim == 2 else frame


def write_video(frames: Iterable[np.ndarray], path: str | Path, *, fourcc: str = "FFV1", fps: float = 15) -> Path:
    """Write frames (all the same size) to a video file; FFV1 (lossless) or MJPG in .avi, mp4v in .mp4."""
    path = Path(path)
    writer = None
    count = 0
    try:
        for f in frames:
            f = _bgr(f)
            if writer is None:
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), float(fps),
                                         (f.shape[1], f.shape[0]), True)
                if not writer.isOpened():
                    raise ValueError(f"cannot write a {fourcc} video to {path}")
            writer.write(f)
            count += 1
    finally:
        if writer is not None:
            writer.release()
    if count == 0:
        raise ValueError("no frames to write")
    return path


def write_sequence(frames: Sequence[np.ndarray] | Iterable[np.ndarray], directory: str | Path,
                   *, pattern: str = "%04d.png") -> str:
    """Write frames as numbered images (from 0) and return the printf-style path for VideoCapture."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    n = 0
    for i, f in enumerate(frames):
        if not cv2.imwrite(str(directory / (pattern % i)), f):
            raise ValueError(f"cannot write {directory / (pattern % i)}")
        n += 1
    if n == 0:
        raise ValueError("no frames to write")
    return str(directory / pattern)
