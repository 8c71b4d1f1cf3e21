"""Static files (the favicon): served from our own origin as what they are, tiny, and with
cache headers, so a browser asks for them once and then revalidates cheaply."""

from __future__ import annotations


async def test_favicon_is_a_tiny_icon_not_an_html_page(client):
    resp = await client.get("/favicon.ico")
    assert resp.status == 200
    assert resp.content_type == "image/x-icon"
    body = await resp.read()
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file, one image
    assert len(body) < 1024


async def test_static_files_carry_cache_headers_and_revalidate(client):
    first = await client.get("/favicon.ico")
    cache = first.headers.get("Cache-Control", "")
    assert "public" in cache and "max-age=" in cache
    assert int(cache.split("max-age=")[1].split(",")[0]) >= 86400
    etag = first.headers["ETag"]
    again = await client.get("/favicon.ico", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""
    assert again.headers.get("ETag") == etag
    assert again.headers.get("X-Content-Type-Options") == "nosniff"
