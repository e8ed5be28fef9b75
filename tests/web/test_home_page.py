"""The staff home lists the department's assessments, and only those."""

from datetime import UTC, datetime
from pathlib import Path

from equity_tool.accounts import service as accounts
from equity_tool.core.models import Assessment, AssessmentState, QuestionnaireVersion
from tests import factories


def add_assessment(session, *, title, department, author, state=AssessmentState.DRAFT):
    if not session.get(QuestionnaireVersion, 1):
        source = (Path(__file__).parents[2] / "questionnaires" / "rapid-equity-check.yaml")
        session.add(QuestionnaireVersion(questionnaire_id="rapid-equity-check", version="2026.1",
                                         content_hash="0" * 64, source=source.read_text(),
                                         title="Rapid equity check"))
    session.add(Assessment(
        questionnaire_id="rapid-equity-check", questionnaire_version="2026.1", title=title,
        decision_kind="policy", department_id=department.id, created_by_id=author.id,
        state=state, updated_at=datetime(2026, 3, 4, 14, 5, tzinfo=UTC),
    ))
    session.commit()
    factories.counted(session)


def test_staff_see_their_departments_assessments(client, login, make_user, session):
    sam = make_user("sam@example.org", department="Transportation")
    hana = make_user("hana@example.org", department="Housing")
    transportation = accounts.find_department(session, name="Transportation")
    housing = accounts.find_department(session, name="Housing")
    add_assessment(session, title="Bus lane on 5th", department=transportation, author=sam,
                   state=AssessmentState.SUBMITTED)
    add_assessment(session, title="Rent relief", department=housing, author=hana)

    login(client, "sam@example.org")
    page = client.get_page("/")
    rows = [[" ".join(td.text_content().split()) for td in tr.xpath("td")]
            for tr in page.all("//main//tbody/tr")]
    assert rows == [["Bus lane on 5th", "Rapid equity check 2026.1", "Submitted", "Not yet known",
                     "4 March 2026, 2:05pm"]]
