"""The access log's mask, written by slicing for speed, hides exactly what the pattern
`^/([rj])/[^/]+` names: the token segment of /r/ and /j/ paths, nothing else."""

from __future__ import annotations

import pytest

from webinar.web.access_log import _TOKEN_SEGMENT, masked_path

PATHS = ["/", "", "/r", "/r/", "/j/", "/r//x", "/j/abc", "/j/abc/heartbeat", "/r/tok/cancel",
         "/r/tok/calendar.ics", "/rx/abc", "/events/r/abc", "/J/abc", "/j/a", "/admin",
         "/api/v1/events/x/registrations", "//j/abc", "/j/abc/", "/r/t%C3%B3k/details"]


@pytest.mark.parametrize("path", PATHS)
def test_the_mask_is_the_pattern(path):
    assert masked_path(path) == _TOKEN_SEGMENT.sub(r"/\1/***", path)


def test_a_token_never_shows():
    assert masked_path("/j/SECRETTOKEN") == "/j/***"
    assert masked_path("/r/SECRETTOKEN/details") == "/r/***/details"
