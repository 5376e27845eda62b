"""Probe rows: a 45 MB text upload, DOCX bombs (1 GB expansion, millions of empty paragraphs):
refused with a clear 413 before parsing, and no database message ever reaches a client."""

from __future__ import annotations

import io
import time
import zipfile

import httpx
from served import Served

DOCX_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_ZEROS = b"\0" * (1024 * 1024)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: bytes | None = None, padding_mb: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("word/document.xml", body or f"<w:document {W}><w:body/></w:document>".encode())
        if padding_mb:
            with z.open("word/media/pad.bin", "w", force_zip64=True) as pad:
                for _ in range(padding_mb):
                    pad.write(_ZEROS)
    return out.getvalue()


def _refused(full: httpx.Client, name: str, data: bytes, seconds: float = 20) -> str:
    started = time.monotonic()
    r = full.post("/v1/documents", files={"file": (name, data)})
    assert time.monotonic() - started < seconds
    assert r.status_code == 413, (r.status_code, r.text[:300])
    message = r.json()["error"]["message"]
    assert "sql" not in message.lower() and "variable" not in message.lower()
    return message


def test_a_45_mb_text_is_refused_with_a_clear_413(full: httpx.Client, server: Served) -> None:
    line = b"Officers waited for an appropriate adult while the child was detained overnight.\n"
    data = line * (45 * 1024 * 1024 // len(line))
    message = _refused(full, "huge.txt", data)
    assert "chunks" in message and "split it" in message
    assert not list((server.data_dir / "uploads").glob("*huge.txt")), "nothing kept"


def test_a_docx_bomb_is_refused_before_parsing(full: httpx.Client) -> None:
    bomb = _docx(padding_mb=300)  # the limit is 200 MB; the probe used 1 GB
    assert len(bomb) < 2 * 1024 * 1024
    assert "uncompressed" in _refused(full, "bomb.docx", bomb)


def test_a_docx_of_millions_of_empty_paragraphs_is_refused(full: httpx.Client) -> None:
    body = f"<w:document {W}><w:body>".encode() + b"<w:p/>" * 3_000_000 + b"</w:body></w:document>"
    assert "paragraphs" in _refused(full, "paragraphs.docx", _docx(body))


def test_a_huge_html_tree_is_refused(full: httpx.Client) -> None:
    data = b"<html><body>" + b"<div><b>x</b></div>" * 400_000 + b"</body></html>"
    assert "elements" in _refused(full, "tree.html", data)
