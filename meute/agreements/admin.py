from meute.lib.admin import register_read_only

from .models import Agreement, AgreementAcceptance, AgreementSetting

register_read_only(Agreement, AgreementAcceptance, AgreementSetting)
