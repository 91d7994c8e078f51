"""The partner library: items for the reader (its languages first), an item with its versions, authoring
and file versions for editors, and access-checked downloads that are counted."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.core.views import StaffEditorMixin
from meute.lib.views import request_actor

from .. import library
from ..choices import ContentKind
from ..forms import ContentItemForm, VersionForm
from ..models import ContentItem, ContentVersion
from ..portal import facts_for
from ..uploads import private_response


class LibraryView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/library.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        kind = request.GET.get("kind", "")
        items = ContentItem.objects.visible_to(user).order_by("-publish_at", "title")
        if kind in ContentKind.values:
            items = items.filter(kind=kind)
        facts = facts_for(request)
        languages = library.reader_languages(facts) if facts else []
        items = list(items[:300])
        if facts and request.GET.get("language") != "all":
            items = library.in_languages(items, languages)
        counts = library.download_counts([i.pk for i in items]) if user.is_staff_member else {}
        for item in items:
            item.download_count = counts.get(item.pk, 0)
        return super().get_context_data(
            items=items,
            kind=kind,
            kinds=ContentKind.choices,
            languages=languages,
            all_languages=request.GET.get("language") == "all",
            can_edit=user.can_edit_all,
            **kwargs,
        )


class ContentDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/content_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        item = get_object_or_404(ContentItem.objects.visible_to(user), uuid=kwargs["uuid"])
        versions = list(item.versions.select_related("added_by").order_by("-number"))
        return super().get_context_data(
            item=item,
            versions=versions,
            latest=versions[0] if versions else None,
            downloads=library.download_counts([item.pk]).get(item.pk, 0) if user.is_staff_member else None,
            version_form=VersionForm(),
            can_edit=user.can_edit_all,
            **kwargs,
        )


class ContentFormView(StaffEditorMixin, TemplateView):
    template_name = "enablement/content_form.html"

    def get_object(self):
        return get_object_or_404(ContentItem, uuid=self.kwargs["uuid"]) if "uuid" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        item = self.get_object()
        return self.render_to_response(self.get_context_data(form=ContentItemForm(instance=item), item=item))

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        form = ContentItemForm(request.POST, instance=item)
        if form.is_valid():
            with request_actor(request), transaction.atomic():
                item = form.save(commit=False)
                if item.owner_id is None:
                    item.owner = request.user
                item.save()
                form.save_m2m()
            messages.success(request, _("Library item saved."))
            return redirect(item.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, item=item), status=422)


class VersionAddView(StaffEditorMixin, View):
    def post(self, request, uuid):
        item = get_object_or_404(ContentItem, uuid=uuid)
        form = VersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with request_actor(request):
                    library.add_version(
                        request.user, item, form.cleaned_data["file"], form.cleaned_data["note"]
                    )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(item.get_absolute_url())
            messages.success(request, _("New version added."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(item.get_absolute_url())


class VersionDownloadView(LoginRequiredMixin, View):
    """A version of an item the user may see (a partner: published and meant for it); counted."""

    def get(self, request, uuid):
        version = get_object_or_404(ContentVersion.objects.visible_to(request.user), uuid=uuid)
        library.record_download(request.user, version)
        return private_response(
            version.file, filename=version.original_name, content_type=version.content_type
        )
