"""Text search (appeals.search): the terms a request is found by, and the
list API's q= finding requests by Chinese words, tracking numbers and parts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals import search


def test_chinese_text_is_kept_as_bigrams_and_the_rest_as_words():
    assert search.terms("楼道灯坏了") == ["楼道", "道灯", "灯坏", "坏了"]
    assert search.terms("3号楼漏水，HBY-20261125-0042") == ["号楼", "楼漏", "漏水", "3", "hby", "20261125", "0042"]
    # Full-width letters and digits, as Chinese input methods type them, are the same words.
    assert search.terms("ＨＢＹ－２０２６") == ["hby", "2026"]
    assert search.terms("电梯 电梯") == ["电梯"]
    assert search.terms("灯") == [] and search.terms("！？") == []


def test_intake_stores_the_terms(cast):
    appeal = cast.submit(title="电梯异响", description="3号楼电梯运行时有异响")
    appeal.refresh_from_db()
    stored = appeal.search_text.split()
    assert {"电梯", "异响", "号楼"} <= set(stored)
    assert appeal.tracking_no.split("-")[2].lower() in stored


def found(api, user, q) -> set[str]:
    response = api(user).get("/api/v1/appeals", {"q": q, "page_size": 100})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_the_list_finds_requests_by_every_word_of_the_query(cast, api):
    cast.submit(title="电梯异响", description="3号楼电梯运行时有异响")
    cast.submit(title="楼道灯不亮", description="5号楼楼道灯坏了一周")
    cast.submit(title="电梯停运", description="电梯坏了，老人下不了楼")
    supervisor = cast.supervisor
    assert found(api, supervisor, "电梯") == {"电梯异响", "电梯停运"}
    assert found(api, supervisor, "电梯坏了") == {"电梯停运"}
    assert found(api, supervisor, "坏了") == {"楼道灯不亮", "电梯停运"}
    assert found(api, supervisor, "水管") == set()
    # One Chinese character has no bigram: a substring scan still finds it.
    assert found(api, supervisor, "灯") == {"楼道灯不亮"}


def test_the_list_finds_a_request_by_its_tracking_number_or_a_part_of_it(cast, api):
    first = cast.submit(title="第一件")
    cast.submit(title="第二件")
    number = first.tracking_no
    assert found(api, cast.supervisor, number) == {"第一件"}
    assert found(api, cast.supervisor, number.lower()) == {"第一件"}
    assert found(api, cast.supervisor, number.split("-")[1]) == {"第一件", "第二件"}  # the day
    assert "第一件" in found(api, cast.supervisor, number[:-1])  # a number half typed: a prefix


def test_search_respects_scope(cast, api):
    cast.submit(title="电梯异响")
    assert found(api, cast.outsider, "电梯") == set()
    assert found(api, cast.supervisor, "电梯") == {"电梯异响"}


def test_postgresql_answers_a_search_from_the_indexed_expression(cast, api):
    if connection.vendor != "postgresql":
        return
    cast.submit(title="电梯异响")
    with CaptureQueriesContext(connection) as captured:
        assert found(api, cast.supervisor, "电梯") == {"电梯异响"}
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "array_to_tsvector(string_to_array(\"appeals_appeal\".\"search_text\", ' ')) @@" in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'appeal_search'")
        assert "array_to_tsvector(string_to_array(search_text, ' '::text))" in cursor.fetchone()[0]
