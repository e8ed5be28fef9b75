"""Flask-WTF forms for the fixed pages; questionnaire pages build theirs from the questionnaire."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address"), Length(max=320)],
    )
    password = PasswordField(
        "Password", validators=[InputRequired("Enter your password"), Length(max=500)]
    )
