from django import forms


class CodeForm(forms.Form):
    """The 6-digit code from an authenticator app; whether it is right is for `two_factor`."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )
