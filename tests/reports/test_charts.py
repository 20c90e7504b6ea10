"""A page's chart is the PDF's chart drawn as SVG: named for a screen reader, in fonts a browser has."""

from app.printing.fonts import cjk_font
from app.reports import charts


def test_a_chart_on_a_page_is_an_svg_named_for_screen_readers_and_in_browser_fonts():
    font = cjk_font()
    drawing = charts.bar_chart(font, "各网格报到率", ["一网格", "二<网格>"], [0.5, 0.8], percent=True)
    page = charts.svg(drawing, font, "各网格报到率")
    assert page.startswith("<svg ") and 'role="img"' in page and 'aria-label="各网格报到率"' in page
    assert "二&lt;网格&gt;" in page and "<网格>" not in page
    assert font not in page and "WenQuanYi Zen Hei" in page
    # The pages' CSP drops style attributes: every text keeps its size as an attribute of its own.
    assert "style=" not in page
    texts = page.split("<text ")[1:]
    assert texts and all('font-size="' in text.split(">", 1)[0] for text in texts)


def test_two_charts_on_one_page_keep_their_own_clip_paths():
    font = cjk_font()
    one = charts.svg(charts.bar_chart(font, "甲", ["a"], [1]), font, "甲")
    two = charts.svg(charts.bar_chart(font, "乙", ["b"], [2]), font, "乙")
    assert one.split('clipPath id="')[1][:16] != two.split('clipPath id="')[1][:16]


def test_a_chart_on_a_page_styles_itself_with_attributes_that_the_pages_csp_lets_through():
    font = cjk_font()
    page = charts.svg(charts.bar_chart(font, "各网格报到率", ["一网格"], [0.5], percent=True), font, "各网格报到率")
    assert " style=" not in page
    assert 'fill="rgb(71%,10%,10%)"' in page and 'font-size="7px"' in page
    assert "font-family=\"'Noto Sans CJK SC', 'WenQuanYi Zen Hei'" in page
