"""Every role has a home that starts with what that person should do next (demo data)."""

from __future__ import annotations

from tests.web.conftest import signed_in


def home_of(app, role: str, query: str = ""):
    return signed_in(app, role).get_page(f"/{query}", 400 if "bogus" in query else 200)


def titles(page, table: int = 1) -> list[str]:
    return [" ".join(a.text_content().split())
            for a in page.all(f"(//main//table)[{table}]/tbody/tr/td[1]/a")]


def headings(page) -> list[str]:
    return [" ".join(h.text_content().split()) for h in page.all("//main//h2")]


def test_the_director_sees_what_awaits_sign_off_first(demo_app):
    page = home_of(demo_app, "director")
    assert page.h1 == "Welcome, Dana Director"
    assert headings(page) == ["Awaiting your sign-off", "Your department's assessments",
                              "Follow-up due in the next 30 days, and overdue"]
    assert titles(page, 1) == ["Sidewalk repair priorities"]
    link = page.one("(//main//table)[1]/tbody/tr/td[1]/a").get("href")
    assert link.startswith("/assessments/") and link.count("/") == 2  # its task list
    assert len(titles(page, 2)) == 9  # every assessment of Transportation


def test_the_officer_sees_the_queue_oldest_waiting_and_recent_decisions(demo_app):
    page = home_of(demo_app, "officer")
    assert page.h1 == "Welcome, Olu Officer"
    counts = [" ".join(li.text_content().split()) for li in page.all("//main//ul/li")]
    assert counts == ["Submitted: 1 assessment", "Resubmitted: 1 assessment",
                      "In review: 1 assessment"]
    assert "Waiting longest: Parking meter hours downtown (Transportation)" in page.text()
    decisions = [[" ".join(td.text_content().split()) for td in tr.xpath("td")][:3]
                 for tr in page.all("(//main//table)[1]/tbody/tr")]
    assert sorted(decisions) == sorted([
        ["Summer hours at branch libraries", "Transportation", "Approved"],
        ["Eastside bus rapid transit line", "Transportation", "Approved"],
        ["Bike share station siting", "Transportation", "Returned"],
        ["Crosswalk timing near schools", "Transportation", "Returned"],
    ])


def test_the_councillor_sees_recent_approvals_and_can_search(demo_app):
    page = home_of(demo_app, "councillor")
    assert page.h1 == "Welcome, Cam Councillor"
    assert sorted(titles(page)) == ["Eastside bus rapid transit line",
                                    "Summer hours at branch libraries"]
    assert all("/reading-room/" in a.get("href") for a in page.all("//main//table//td[1]/a"))
    search = page.one("//main//form[@role='search']")
    assert search.get("action") == "/reading-room" and search.get("method") == "get"


def test_the_admin_sees_every_assessment_and_filters_them(demo_app):
    page = home_of(demo_app, "admin")
    assert page.h1 == "Welcome, Ari Admin"
    assert len(titles(page)) == 9
    approved = home_of(demo_app, "admin", "?state=approved")
    assert sorted(titles(approved)) == ["Eastside bus rapid transit line",
                                        "Summer hours at branch libraries"]
    assert "2 assessments match" in approved.text()
    refused = home_of(demo_app, "admin", "?state=bogus")
    assert refused.error_summary == ["Choose a state from the list: “bogus” is not one of them."]


def test_staff_keep_their_department_list(demo_app):
    page = home_of(demo_app, "staff")
    assert page.h1 == "Your department's assessments"
    assert len(titles(page)) == 9
