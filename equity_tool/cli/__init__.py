"""The `flask --app equity_tool …` commands, one module per command group."""

from flask import Flask

from equity_tool.cli import (
    accounts,
    assessments,
    db,
    demo,
    exports,
    followup,
    notifications,
    questionnaires,
    reports,
)

COMMANDS = (accounts.users_cli, accounts.departments_cli, assessments.assessments_cli, db.db_cli,
            demo.demo, exports.export, followup.followup_cli, notifications.notifications_cli,
            questionnaires.group, reports.report_cli)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
