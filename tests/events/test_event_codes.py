"""The codes an event prints and shows: QR images for its secretary, and the A4 poster in Chinese."""

import io
import re
from datetime import UTC

import PIL.Image
import zxingcpp


def test_the_qr_svg_is_a_vector_image_for_the_secretary_only(make, client, auth):
    community = make.community()
    event = make.event(community)
    response = client.get(f"/api/v1/events/{event.id}/qr.svg", headers=auth(make.secretary(community)))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and response.headers["Cache-Control"] == "no-store"
    member = make.member(community)
    for suffix in ("qr.svg", "qr.png", "poster.pdf", "rotating-token"):
        assert client.get(f"/api/v1/events/{event.id}/{suffix}", headers=auth(member.account)).status_code == 403
    assert client.post(f"/api/v1/events/{event.id}/rotate-key", headers=auth(member.account)).status_code == 403


def test_rotating_the_key_changes_the_printed_code(make, client, auth):
    community = make.community()
    event = make.event(community)
    headers = auth(make.admin())

    def printed():
        png = client.get(f"/api/v1/events/{event.id}/qr.png", headers=headers).data
        return zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))[0].text

    before = printed()
    assert client.post(f"/api/v1/events/{event.id}/rotate-key", headers=headers).status_code == 200
    assert printed() != before


def test_the_poster_is_an_a4_pdf_with_its_chinese_font_embedded(make, client, auth):
    from datetime import datetime

    community = make.community(name="桃城社区")
    event = make.event(
        community,
        title="十一月回家日",
        place="桃城社区党群服务中心",
        starts_at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC),
        hours=2.5,
    )
    response = client.get(f"/api/v1/events/{event.id}/poster.pdf", headers=auth(make.secretary(community)))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert (round(float(box.group(1))), round(float(box.group(2)))) == (595, 842)
    assert b"/FontFile2" in pdf


def test_the_poster_gives_the_time_in_china_standard_time():
    from datetime import datetime

    from app.events.poster import time_words

    starts = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    assert time_words(starts, datetime(2026, 11, 29, 3, 30, tzinfo=UTC)) == "2026年11月29日 09:00–11:30"
    assert (
        time_words(datetime(2026, 11, 29, 15, 0, tzinfo=UTC), datetime(2026, 11, 29, 17, 0, tzinfo=UTC))
        == "2026年11月29日 23:00 – 2026年11月30日 01:00"
    )
