"""The SVG charts: labelled for screen readers, text escaped, scaled to the data."""

from verification.desk.charts import Interval, bar_chart, column_chart, interval_chart


def test_it_draws_one_bar_per_row_with_a_description():
    svg = str(bar_chart([("Queued", 10), ("In review", 5)], title="Backlog", chart_id="b"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="b-t b-d"' in svg
    assert svg.count("<rect") == 2 and "Queued: 10; In review: 5" in svg


def test_it_prints_capped_counts_as_given():
    svg = str(bar_chart([("Queued", 1000)], title="Backlog", labels=["1000+"]))
    assert ">1000+<" in svg and "Queued: 1000+" in svg


def test_it_escapes_labels():
    svg = str(bar_chart([("<script>", 1)], title="A & B"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg


def test_it_draws_columns_for_each_day_even_with_no_data():
    svg = str(column_chart([("01 Nov", 0), ("02 Nov", 3)], title="Throughput"))
    assert svg.count("<rect") == 2 and "02 Nov: 3" in svg


def test_it_draws_an_interval_and_a_mean_per_row():
    svg = str(interval_chart([Interval("All topics", 0.6, 0.4, 0.8, 9)], title="Track record"))
    assert svg.count("<circle") == 1 and "90% interval 40%–80%" in svg and "60% (n=9)" in svg
