"""ScanPipeline, the de-duplicator (injected clock, no sleeps) and the latest-frame grabber thread."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from shared.scanning.decoders import Decoded, ZxingDecoder, decoder_named
from shared.scanning.pipeline import Deduplicator, LatestFrameGrabber, ScanPipeline, ScanResult
from shared.scanning.sources import open_source
from shared.scanning.synth import empty_frame, qr_image, webcam_clip, write_video

TEXT = "QRPAY1:pipeline"
SIZE = (640, 480)
CORNERS = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))


def code(text):
    return Decoded(text, CORNERS, "QRCode", "zxing")


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    frames = webcam_clip(qr_image(TEXT), 12, size=SIZE, scale=0.5, seed=1)
    frames[5:7] = [empty_frame(size=SIZE, seed=9)] * 2  # the phone leaves the view for two frames
    return write_video(frames, tmp_path_factory.mktemp("v") / "clip.avi", fourcc="FFV1")


def test_cooldown_emits_once_while_in_view_and_again_after_cooldown():
    clock = Clock()
    d = Deduplicator(cooldown_s=2.0, clock=clock)
    assert [c.text for c in d.accept([code("A")])] == ["A"]
    for _ in range(10):  # held in front of the camera for 5 s: no second submission
        clock.t += 0.5
        assert d.accept([code("A")]) == []
    clock.t += 1.9
    assert d.accept([]) == []  # out of view, still within the cool-down after the last sighting
    assert d.accept([code("A")]) == []
    clock.t += 2.0
    assert d.accept([]) == []
    clock.t += 0.1
    assert [c.text for c in d.accept([code("A")])] == ["A"]


def test_different_codes_are_independent_and_duplicates_in_one_frame_collapse():
    clock = Clock()
    d = Deduplicator(cooldown_s=2.0, clock=clock)
    assert [c.text for c in d.accept([code("A"), code("A"), code("B")])] == ["A", "B"]
    clock.t += 0.5
    assert [c.text for c in d.accept([code("A"), code("C")])] == ["C"]


def test_hold_restarts_the_cooldown_and_clear_forgets():
    clock = Clock()
    d = Deduplicator(cooldown_s=2.0, clock=clock)
    d.accept([code("A")])
    clock.t += 1.5
    d.accept([])
    d.hold("A")  # the till showed its verdict now
    clock.t += 1.0
    d.accept([])
    assert d.accept([code("A")]) == []
    d.clear()
    assert [c.text for c in d.accept([code("A")])] == ["A"]


def test_confirmation_needs_consecutive_frames():
    clock = Clock()
    d = Deduplicator(cooldown_s=2.0, confirm_frames=3, clock=clock)
    assert d.accept([code("A")]) == []
    assert d.accept([code("A")]) == []
    assert d.accept([]) == []  # a gap restarts the count
    assert d.accept([code("A")]) == [] and d.accept([code("A")]) == []
    assert [c.text for c in d.accept([code("A")])] == ["A"]
    assert d.accept([code("A")]) == []


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        Deduplicator(confirm_frames=0)
    with pytest.raises(ValueError):
        Deduplicator(cooldown_s=-1)


def test_pipeline_steps_through_a_video(video):
    clock = Clock()
    pipe = ScanPipeline(open_source(video), ZxingDecoder(), cooldown_s=0.1, clock=clock)
    results, emitted = [], []
    while (r := pipe.step()) is not None:
        assert isinstance(r, ScanResult) and r.decode_ms >= 0
        results.append(r)
        emitted += [(r.frame_index, c.text) for c in pipe.new_codes(r)]
        clock.t += 1 / 15
    assert [r.frame_index for r in results] == list(range(12))
    assert pipe.ended and not pipe.failed
    assert [bool(r.decoded) for r in results][4:8] == [True, False, False, True]
    assert emitted == [(0, TEXT), (7, TEXT)]  # out of view for 2 frames > 0.1 s cool-down
    pipe.release()


def test_pipeline_results_with_confirmation_and_max_frames(video):
    pipe = ScanPipeline(open_source(video), ZxingDecoder(), confirm_frames=3, clock=Clock())
    firsts = [(r.frame_index, [c.text for c in pipe.new_codes(r)]) for r in pipe.results(max_frames=4)]
    assert firsts == [(0, []), (1, []), (2, [TEXT]), (3, [])]
    assert not pipe.ended


def _python_threads() -> set:
    # Threads Python started; a Qt pool thread that once ran Python shows as a _DummyThread and
    # vanishes whenever Qt retires it (30 s after an earlier GUI test), which is not ours to count.
    return {t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}


def test_grabber_keeps_only_the_newest_frame_and_stops_cleanly(video):
    before = _python_threads()
    grabber = LatestFrameGrabber(open_source(video)).start()
    assert grabber.wait_done(timeout=30)  # nobody consumed: every frame but the last was dropped
    assert grabber.dropped == 11
    index, frame = grabber.latest()
    assert index == 11 and frame.shape == (SIZE[1], SIZE[0], 3)
    assert grabber.latest() is None  # each frame is handed out once
    assert grabber.ended and not grabber.failed
    assert grabber.stop() is True
    assert not grabber.running
    assert _python_threads() == before


def test_pipeline_over_a_grabber_decodes_newest_frames_only(video):
    grabber = LatestFrameGrabber(open_source(video, realtime=True))
    pipe = ScanPipeline(grabber, decoder_named("cascade"), clock=Clock())
    with grabber:
        results = list(pipe.results())
    assert results, "at least one frame decoded"
    indices = [r.frame_index for r in results]
    assert indices == sorted(set(indices)) and indices[-1] <= 11
    assert grabber.dropped == 12 - len(results)
    assert pipe.ended
    assert not grabber.running


def test_grabber_reports_a_lost_camera(tmp_path):
    frames = webcam_clip(qr_image(TEXT), 3, size=SIZE, seed=2)
    src = open_source(write_video(frames, tmp_path / "c.avi"), live=True, lost_after=2)
    grabber = LatestFrameGrabber(src).start()
    assert grabber.wait_done(timeout=30)
    assert grabber.latest() is not None
    assert grabber.failed and not grabber.ended
    grabber.stop()


def test_grabber_stop_while_a_live_source_is_idle():
    class Idle:  # a camera that is open but has no frame yet
        description, is_live, ended, failed = "idle", True, False, False
        released = False

        def read(self):
            return None

        def release(self):
            self.released = True

    src = Idle()
    grabber = LatestFrameGrabber(src).start()
    assert grabber.latest(timeout=0.05) is None
    assert grabber.stop(timeout=5) is True
    assert src.released and not grabber.running


def test_grabber_surfaces_a_source_that_raises():
    class Broken:
        description, is_live, ended, failed = "broken", True, False, False

        def read(self):
            raise RuntimeError("driver crashed")

        def release(self):
            pass

    grabber = LatestFrameGrabber(Broken()).start()
    assert grabber.wait_done(timeout=10)
    assert grabber.failed and isinstance(grabber.error, RuntimeError)
    grabber.stop()


def test_process_accepts_garbage_frames():
    pipe = ScanPipeline(_NoSource(), decoder_named("cascade"))
    r = pipe.process(np.zeros((3, 3), np.float64))
    assert r.decoded == () and r.frame_index == 0
    assert pipe.process(None).decoded == ()


class _NoSource:
    description, is_live, ended, failed = "none", False, True, False

    def read(self):
        return None

    def release(self):
        pass
