import ipaddress

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from .models import AllowedIP, LoginLog
from .selectors import user_has_confirmed_device
from .services import OTPError, allowed_ip_would_lock_out, login_log_record, otp_verify_for_login


class OTPLoginForm(LoginForm):
    """Wagtail's login form plus the authenticator code, checked in the same step.

    Users with a confirmed device must give a code from it (or a backup code). Users without
    one sign in with the password; AdminSecurityMiddleware then sends them to enrolment when
    the company requires two-factor login. Every attempt is written to the login log.
    """

    # Wagtail's form leaves the password unlabelled, so it showed the untranslated field name.
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"placeholder": _("Enter password")}),
    )
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "placeholder": _("6-digit code (or a backup code)"),
            }
        ),
    )

    def clean(self):
        username = self.cleaned_data.get("username", "")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            locked = getattr(self.request, "axes_locked_out", False)
            login_log_record(
                request=self.request,
                username=username,
                reason=LoginLog.Reason.LOCKED if locked else LoginLog.Reason.WRONG_PASSWORD,
            )
            raise
        user = self.get_user()
        if user is None:  # only when the username field itself was invalid
            return cleaned
        if user_has_confirmed_device(user):
            try:
                device = otp_verify_for_login(user=user, token=self.cleaned_data.get("otp_token", ""))
            except OTPError as exc:
                login_log_record(request=self.request, username=username, user=user, reason=exc.reason)
                # A refused code is useless: show the form again with the code field empty.
                self.data = self.data.copy()
                self.data[self.add_prefix("otp_token")] = ""
                raise forms.ValidationError(str(exc), code=exc.reason) from None
            # django-otp's user_logged_in handler stores this device in the session (verified).
            user.otp_device = device
        login_log_record(request=self.request, username=username, user=user, reason=LoginLog.Reason.OK)
        return cleaned


class EnrolmentConfirmForm(forms.Form):
    device_id = forms.IntegerField(widget=forms.HiddenInput)
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": ""}),
        error_messages={
            "required": _("Enter the 6-digit code your app shows."),
            "min_length": _("The code has 6 digits."),
        },
    )


class AllowedIPForm(forms.ModelForm):
    """Asks for explicit confirmation when the saved list would shut out the current address."""

    # Hidden until a save would shut out the current address; then shown with the warning.
    confirm_lockout = forms.BooleanField(
        label=_("Save anyway, even though my current address will be blocked"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, client_ip=None, other_networks=None, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_ip = client_ip
        self.other_networks = other_networks or []
        self.for_user = for_user
        if client_ip:
            self.fields["network"].help_text = _("e.g. 203.0.113.7 or 203.0.113.0/24. Your address now: %(ip)s") % {
                "ip": client_ip
            }

    class Meta:
        model = AllowedIP
        fields = ["network", "memo"]

    def clean(self):
        cleaned = super().clean()
        try:
            network = ipaddress.ip_network((cleaned.get("network") or "").strip(), strict=False)
        except ValueError:
            return cleaned  # the model's clean() names the field
        networks_after = [*self.other_networks, network]
        if allowed_ip_would_lock_out(address=self.client_ip, networks_after=networks_after) and not cleaned.get(
            "confirm_lockout"
        ):
            self.fields["confirm_lockout"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_lockout",
                _(
                    "Your current address %(ip)s is not in the list after this change, so this browser "
                    "will be blocked from the admin. Tick the box to save anyway."
                )
                % {"ip": self.client_ip or "?"},
            )
        return cleaned
