"""`flask users`, `flask departments` and `flask demo`, run as an administrator would."""

from equity_tool.demo import DEMO_PASSWORD


def test_add_department_and_user_then_list(runner):
    result = runner.invoke(args=["departments", "add", "Housing"])
    assert result.exit_code == 0
    assert result.output == "Added department Housing\n"

    result = runner.invoke(
        args=["users", "add", "Hana@Example.org", "--name", "Hana Lee", "--role", "staff",
              "--department", "Housing", "--password-stdin"],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Added staff hana@example.org\n"

    result = runner.invoke(args=["users", "list"])
    assert result.output == "hana@example.org\tstaff\tHousing\tHana Lee\n"
    assert runner.invoke(args=["departments", "list"]).output == "Housing\n"


def test_user_can_then_sign_in(runner, client, login):
    runner.invoke(args=["users", "add", "oli@example.org", "--name", "Oli", "--role", "officer",
                        "--password-stdin"], input="a long password\n")
    login(client, "oli@example.org", "a long password")


def add_user(runner, *extra, email="x@example.org"):
    return runner.invoke(
        args=["users", "add", email, "--name", "X", "--password-stdin", *extra],
        input="a long password\n",
    )


def test_errors_are_clear_and_change_nothing(runner):
    runner.invoke(args=["departments", "add", "Housing"])
    cases = [
        (["--role", "boss"], "Error: Unknown role 'boss': choose one of staff, director, "
                             "officer, councillor, admin"),
        (["--role", "staff", "--department", "Fire"], "Error: Unknown department 'Fire'"),
        (["--role", "staff"], "Error: A staff user belongs to a department: give --department"),
        (["--role", "director"], "Error: A director user belongs to a department"),
    ]
    for extra, message in cases:
        result = add_user(runner, *extra)
        assert result.exit_code == 1
        assert message in result.output
    assert runner.invoke(args=["users", "list"]).output == ""


def test_duplicate_email_is_refused(runner):
    assert add_user(runner, "--role", "admin").exit_code == 0
    result = add_user(runner, "--role", "admin", email="X@EXAMPLE.ORG")
    assert result.exit_code == 1
    assert "Error: A user with email x@example.org exists already" in result.output


def test_duplicate_department_is_refused(runner):
    runner.invoke(args=["departments", "add", "Housing"])
    result = runner.invoke(args=["departments", "add", "Housing"])
    assert result.exit_code == 1
    assert "Error: Department 'Housing' exists already" in result.output


def test_password_stdin_is_required(runner):
    result = runner.invoke(args=["users", "add", "x@example.org", "--name", "X", "--role",
                                 "admin"])
    assert result.exit_code == 2
    assert "--password-stdin" in result.output


def test_demo_makes_one_user_per_role_and_says_how_to_sign_in(runner, client, login):
    result = runner.invoke(args=["demo", "--url", "http://127.0.0.1:8000/"])
    assert result.exit_code == 0
    assert "Sign in at http://127.0.0.1:8000/sign-in" in result.output
    assert repr(DEMO_PASSWORD) in result.output
    users = runner.invoke(args=["users", "list"]).output.splitlines()
    roles = sorted(line.split("\t")[1] for line in users)
    assert roles == ["admin", "councillor", "director", "officer", "staff"]
    for email in ("staff@example.org", "director@example.org", "officer@example.org"):
        assert email in result.output
    departments = runner.invoke(args=["departments", "list"]).output.splitlines()
    assert departments == ["Housing", "Parks and Recreation", "Transportation"]
    login(client, "staff@example.org", DEMO_PASSWORD)


def test_demo_if_empty_leaves_existing_users_alone(runner):
    add_user(runner, "--role", "admin")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert result.output == "Users exist already: no demo data added.\n"
    assert len(runner.invoke(args=["users", "list"]).output.splitlines()) == 1


def test_demo_twice_adds_nothing_twice(runner):
    runner.invoke(args=["demo"])
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert len(runner.invoke(args=["users", "list"]).output.splitlines()) == 5


def test_weak_passwords_and_malformed_emails_are_refused(runner):
    cases = [
        ("x@example.org", "password", "at least 12 characters"),
        ("x@example.org", " " * 8, "at least 12 characters"),
        ("x@example.org", " " * 12, "cannot be only spaces"),
        ("x@example.org", "1qaz2wsx3edc", "on a list of common passwords"),
        ("a@b", "a long password", "'a@b' is not an email address"),
        ('evil"<script>@x', "a long password", "is not an email address"),
        ("name @city.gov", "a long password", "is not an email address"),
    ]
    for email, password, message in cases:
        result = runner.invoke(args=["users", "add", email, "--name", "X", "--role", "admin",
                                     "--password-stdin"], input=f"{password}\n")
        assert result.exit_code == 1, (email, password)
        assert message in result.output, result.output
    assert runner.invoke(args=["users", "list"]).output == ""


def test_a_new_password_and_deactivation_from_the_command_line(runner, client, login):
    add_user(runner, "--role", "admin")
    result = runner.invoke(args=["users", "set-password", "x@example.org", "--password-stdin"],
                           input="another long password\n")
    assert result.exit_code == 0, result.output
    login(client, "x@example.org", "another long password")
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["users", "deactivate", "X@example.org"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302  # the session ended with the account
    assert "(inactive)" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert result.exit_code == 1 and "No user with email nobody@example.org" in result.output


def test_changes_from_the_command_line_are_in_the_audit_log(runner, client, login):
    runner.invoke(args=["departments", "add", "Housing"])
    add_user(runner, "--role", "admin")
    runner.invoke(args=["users", "set-password", "x@example.org", "--password-stdin"],
                  input="another long password\n")
    login(client, "x@example.org", "another long password")
    page = client.get_page("/admin/audit")
    rows = [[" ".join(cell.text_content().split()) for cell in row.xpath("td")]
            for row in page.all("//table//tbody/tr")]
    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("The command line", "Password set", "x@example.org"),
        ("The command line", "User added", "x@example.org"),
        ("The command line", "Department added", "Housing"),
    ]
    runner.invoke(args=["users", "deactivate", "x@example.org"])
    assert client.get("/admin/audit").status_code == 302  # the admin's own session ended
