"""`qrpay scan`: the QA command over the same pipeline, on real files; no database needed."""
from __future__ import annotations

import json

import cv2
import pytest

from shared.cli.main import main
from shared.scanning.synth import ean13_image, qr_image, synth_frame, webcam_clip, write_sequence, write_video

TEXT = "QRPAY1:cli-scan"


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr().out
    return rc, out


@pytest.fixture
def image(tmp_path):
    s = synth_frame(qr_image(TEXT), size=(640, 480), scale=0.5, angle=20, seed=4)
    path = tmp_path / "code.png"
    cv2.imwrite(str(path), s.frame)
    return path, s.corners


def test_scan_json_on_an_image_reports_text_corners_and_time(capsys, image, tmp_path, monkeypatch):
    monkeypatch.setenv("QRPAY_DB", str(tmp_path / "never-created.sqlite3"))
    path, truth = image
    rc, out = run(capsys, "scan", "--json", str(path))
    assert rc == 0
    data = json.loads(out)
    assert data["frames"] == 1
    [r] = data["results"]
    assert r["source"] == str(path) and r["frame"] == 0 and r["text"] == TEXT and r["decoder"] == "zxing"
    assert len(r["corners"]) == 4
    assert max(abs(a - b) for p, q in zip(r["corners"], truth) for a, b in zip(p, q)) < 6
    assert r["decode_ms"] > 0 and data["decode_ms"]["median"] > 0 and data["decode_ms"]["p95"] >= data["decode_ms"]["median"]
    assert not (tmp_path / "never-created.sqlite3").exists()  # scan opens no database


@pytest.mark.parametrize("decoder", ["zxing", "zbar", "cascade"])
def test_scan_json_on_a_video_and_a_sequence(capsys, tmp_path, decoder):
    frames = webcam_clip(qr_image(TEXT), 6, size=(640, 480), scale=0.5, seed=2)
    video = write_video(frames, tmp_path / "clip.avi", fourcc="MJPG")
    seq = write_sequence(frames, tmp_path / "frames")
    rc, out = run(capsys, "scan", "--json", "--decoder", decoder, str(video), seq)
    assert rc == 0
    data = json.loads(out)
    assert data["frames"] == 12
    per_source = {s["source"]: s for s in data["sources"]}
    assert per_source[str(video)]["frames"] == 6 and per_source[str(video)]["ended"]
    assert sum(r["source"] == seq for r in data["results"]) >= 5
    assert {r["text"] for r in data["results"]} == {TEXT}
    assert {r["decoder"] for r in data["results"]} == {"zbar" if decoder == "zbar" else "zxing"}


def test_scan_unique_and_max_frames(capsys, tmp_path):
    frames = webcam_clip(qr_image(TEXT), 6, size=(640, 480), scale=0.5, seed=2)
    video = write_video(frames, tmp_path / "clip.avi")
    rc, out = run(capsys, "scan", "--json", "--unique", "--max-frames", "4", str(video))
    data = json.loads(out)
    assert rc == 0 and data["frames"] == 4 and len(data["results"]) == 1


def test_scan_reads_a_product_barcode_from_a_folder(capsys, tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), synth_frame(ean13_image("490123456789"), size=(640, 480), seed=1).frame)
    cv2.imwrite(str(tmp_path / "b.png"), synth_frame(qr_image(TEXT), size=(640, 480), seed=1).frame)
    rc, out = run(capsys, "scan", "--json", str(tmp_path))
    data = json.loads(out)
    assert [(r["frame"], r["symbology"], r["text"]) for r in data["results"]] == [
        (0, "EAN13", "4901234567894"), (1, "QRCode", TEXT)]


def test_scan_human_output(capsys, image):
    path, _ = image
    rc, out = run(capsys, "scan", str(path))
    assert rc == 0
    assert f"QRCode {TEXT!r}" in out and "ms" in out and "1 reads in 1 frames" in out


@pytest.mark.parametrize("spec", ["missing.png", "0"])
def test_missing_file_or_camera_exit_1_with_camera_unavailable(capsys, tmp_path, spec, image):
    path, _ = image
    target = spec if spec == "0" else str(tmp_path / spec)
    rc, out = run(capsys, "scan", "--json", str(path), target)
    assert rc == 1
    data = json.loads(out)
    assert data["error"]["code"] == "camera_unavailable" and data["error"]["message"]
    assert "results" not in data  # nothing half-printed before the failure


def test_usage_errors_exit_2(capsys, image):
    path, _ = image
    assert run(capsys, "scan", "--json", "--decoder", "opencv", str(path))[0] == 2
    assert run(capsys, "scan", "--json", "--max-frames", "0", str(path))[0] == 2
    assert run(capsys, "scan", "--json")[0] == 2


def test_scan_json_gives_a_hard_picture_every_pass_and_keeps_its_shape(capsys, tmp_path, monkeypatch):
    """A small code photographed off a screen: the live frame pass misses it, `qrpay scan` on the
    picture reads it (StillDecoder through the pipeline) with the same output shape."""
    from shared.scanning.decoders import ZxingDecoder

    monkeypatch.setenv("QRPAY_DB", str(tmp_path / "never-created.sqlite3"))
    text = "QRPAY1:" + "C" * 150
    s = synth_frame(qr_image(text, box=6), moire=0.9, scale=0.28, seed=0)
    path = tmp_path / "screen.png"
    cv2.imwrite(str(path), s.frame)
    assert ZxingDecoder().decode(cv2.imread(str(path))) == []
    rc, out = run(capsys, "scan", "--json", str(path))
    assert rc == 0
    data = json.loads(out)
    [r] = data["results"]
    assert set(r) == {"source", "frame", "text", "symbology", "corners", "decoder", "decode_ms"}
    assert r["text"] == text and r["symbology"] == "QRCode" and r["decoder"].startswith("zxing+")
    assert len(r["corners"]) == 4 and all(len(p) == 2 for p in r["corners"])
    assert max(abs(a - b) for p, q in zip(r["corners"], s.corners) for a, b in zip(p, q)) < 6
