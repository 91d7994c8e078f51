from django import forms
from django.contrib.auth import get_user_model

from meute.core.choices import UserRole
from meute.core.models import Territory

from .models import Ambassador, Program


class AmbassadorForm(forms.ModelForm):
    class Meta:
        model = Ambassador
        fields = ["user", "territory", "program", "message", "contact_email", "contact_phone", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(role=UserRole.PARTNER)
            .order_by("last_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["territory"].queryset = Territory.objects.order_by("name")
        self.fields["program"].queryset = Program.objects.order_by("name")
