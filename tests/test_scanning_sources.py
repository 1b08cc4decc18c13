"""Frame sources through the real cv2.VideoCapture: videos, image sequences, stills, no camera."""
from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from shared.errors import QrpayError
from shared.scanning.decoders import ZxingDecoder
from shared.scanning.sources import CameraError, CaptureSource, FrameSource, StillImageSource, open_source
from shared.scanning.synth import qr_image, webcam_clip, write_sequence, write_video

TEXT = "QRPAY1:source-test"
SIZE = (640, 480)


@pytest.fixture(scope="module")
def frames():
    return webcam_clip(qr_image(TEXT), 8, size=SIZE, scale=0.5, perspective=0.05, noise=4, seed=3)


def _drain(source, limit=1000):
    out = []
    for _ in range(limit):
        f = source.read()
        if f is None:
            break
        out.append(f)
    return out


@pytest.mark.parametrize("fourcc", ["FFV1", "MJPG"])
def test_video_file_read_back_yields_the_code_and_then_ends(tmp_path, frames, fourcc):
    path = write_video(frames, tmp_path / f"clip-{fourcc}.avi", fourcc=fourcc)
    src = open_source(str(path))
    assert isinstance(src, FrameSource) and not src.is_live
    got = _drain(src)
    assert len(got) == len(frames)
    assert got[0].shape == (SIZE[1], SIZE[0], 3)
    assert src.ended and not src.failed
    assert src.read() is None and src.read() is None  # stays ended
    src.release()
    src.release()  # idempotent
    texts = [d.text for f in got for d in ZxingDecoder().decode(f)]
    assert texts.count(TEXT) >= len(frames) - 1


def test_ffv1_is_lossless(tmp_path, frames):
    got = _drain(open_source(write_video(frames, tmp_path / "c.avi", fourcc="FFV1")))
    assert all(np.array_equal(a, b) for a, b in zip(got, frames))


def test_image_sequence(tmp_path, frames):
    pattern = write_sequence(frames, tmp_path / "frames")
    assert pattern.endswith("%04d.png") and (tmp_path / "frames" / "0007.png").exists()
    src = open_source(pattern)
    got = _drain(src)
    assert len(got) == len(frames) and src.ended
    assert [d.text for d in ZxingDecoder().decode(got[3])] == [TEXT]


def test_directory_of_stills_in_name_order_skipping_non_images(tmp_path, frames):
    for i, f in enumerate(frames[:3]):
        cv2.imwrite(str(tmp_path / f"shot{i}.png"), f)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "shot1b.jpg").write_bytes(b"corrupt jpeg")
    src = open_source(tmp_path)
    assert isinstance(src, StillImageSource)
    got = _drain(src)
    assert len(got) == 3 and src.ended and not src.failed
    assert np.array_equal(got[2], frames[2])


def test_single_still_once_or_looped(tmp_path, frames):
    p = tmp_path / "one.png"
    cv2.imwrite(str(p), frames[0])
    src = open_source(str(p))
    assert len(_drain(src)) == 1 and src.ended
    looped = open_source(str(p), loop=True)
    assert len(_drain(looped, limit=5)) == 5 and not looped.ended


def test_looped_video_starts_again(tmp_path, frames):
    src = open_source(write_video(frames, tmp_path / "c.avi"), loop=True)
    assert len(_drain(src, limit=20)) == 20 and not src.ended
    src.release()
    assert src.read() is None


@pytest.mark.parametrize("spec", ["missing.avi", "missing.png", "nofolder/%04d.png", "", "screen"])
def test_open_failures_raise_camera_error(tmp_path, spec):
    with pytest.raises(CameraError) as e:
        open_source(str(tmp_path / spec) if spec not in ("", "screen") else spec)
    assert isinstance(e.value, QrpayError) and e.value.code == "camera_unavailable"
    assert e.value.message


def test_a_file_that_is_not_a_video(tmp_path):
    p = tmp_path / "fake.avi"
    p.write_bytes(b"this is not a video at all" * 10)
    with pytest.raises(CameraError, match="no readable frames|cannot open"):
        open_source(str(p))


def test_empty_folder_and_sequence_without_files(tmp_path):
    with pytest.raises(CameraError, match="no images"):
        open_source(tmp_path)
    with pytest.raises(CameraError):
        open_source(str(tmp_path / "%04d.png"))


def test_unreadable_single_image(tmp_path):
    p = tmp_path / "broken.png"
    p.write_bytes(b"\x89PNG broken")
    with pytest.raises(CameraError, match="not a readable image"):
        open_source(str(p))


@pytest.mark.parametrize("spec", [0, "0", 7])
def test_no_webcam_here_raises_quickly(spec):
    t0 = time.monotonic()
    with pytest.raises(CameraError, match="no camera at index"):
        open_source(spec)
    assert time.monotonic() - t0 < 10


def test_a_live_source_that_stops_is_failed_not_ended(tmp_path, frames):
    # A video file read as a camera: when it runs out, that is a camera unplugged mid-stream.
    src = open_source(write_video(frames, tmp_path / "c.avi"), live=True, lost_after=3)
    assert src.is_live
    assert len(_drain(src)) == len(frames)
    assert not src.failed  # one failed read is "no frame now" for a camera
    assert src.read() is None and src.read() is None
    assert src.failed and not src.ended
    assert src.read() is None


def test_camera_fallback_when_the_asked_size_gives_no_picture(tmp_path, frames):
    """A camera that accepts 1280x720 and then delivers nothing is reopened at its own size.
    The device is a real VideoCapture on a file; only the size negotiation is simulated."""
    video = str(write_video(frames, tmp_path / "c.avi"))
    opened = []

    class PickyCamera:
        """Wraps (does not subclass: that crashes cv2 at exit) a real VideoCapture."""

        def __init__(self, index):
            self._cap = cv2.VideoCapture(video)
            self.sized = False
            opened.append(self)

        def isOpened(self):  # noqa: N802 - cv2's name
            return self._cap.isOpened()

        def get(self, prop):
            return self._cap.get(prop)

        def set(self, prop, value):
            self.sized = True
            return True

        def read(self):
            return (False, None) if self.sized else self._cap.read()

        def release(self):
            self._cap.release()

    src = open_source(3, capture=PickyCamera)
    assert len(opened) == 2 and opened[0].sized and not opened[1].sized
    f = src.read()
    assert f is not None and f.shape == (SIZE[1], SIZE[0], 3) and src.is_live
    assert src.description == "camera 3"
    src.release()


def test_realtime_playback_paces_to_the_file_frame_rate(tmp_path, frames):
    now = [100.0]
    slept = []

    def sleep(s):
        slept.append(round(s, 6))
        now[0] += s

    path = write_video(frames, tmp_path / "c.avi", fps=10)
    src = open_source(path, realtime=True)
    assert isinstance(src, CaptureSource)
    src._sleep, src._clock = sleep, lambda: now[0]  # noqa: SLF001 - inject time for the test
    for _ in range(4):
        assert src.read() is not None
    assert slept == [0.1, 0.1, 0.1]
