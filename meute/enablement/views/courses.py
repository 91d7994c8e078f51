"""Courses: the catalogue, a course and its modules, e-learning (read, watch, download, quiz), sessions,
enrolments and feedback. Partners see the published courses meant for them; editors author them."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.core.views import StaffEditorMixin
from meute.lib.views import request_actor

from .. import learning
from ..choices import CertifiedRole, ContentLanguage, EnrolmentStatus, RegistrationStatus
from ..forms import (
    CourseForm,
    EnrolForm,
    FeedbackForm,
    ModuleFileForm,
    ModuleForm,
    QuestionForm,
    QuizForm,
    ReplyForm,
    SessionForm,
)
from ..library import reader_languages
from ..models import (
    Choice,
    Course,
    CourseSession,
    Enrolment,
    Module,
    ModuleFeedback,
    ModuleFile,
    Question,
    Quiz,
    QuizAttempt,
    SessionRegistration,
)
from ..portal import facts_for
from ..uploads import check_upload, clean_name, private_response
from .common import form_errors_text, refused


def visible_course(user, uuid) -> Course:
    return get_object_or_404(Course.objects.visible_to(user), uuid=uuid)


class CatalogueView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/catalogue.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        courses = Course.objects.visible_to(user).annotate(module_count=Count("modules", distinct=True))
        q, role, language = (request.GET.get(k, "").strip() for k in ("q", "role", "language"))
        for word in q.split():
            courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        courses = list(courses.order_by("title"))
        if role in CertifiedRole.values:
            courses = [c for c in courses if not c.roles or role in c.roles]
        facts = facts_for(request)
        languages = reader_languages(facts) if facts else []
        if language in ContentLanguage.values:
            courses = [c for c in courses if not c.language or c.language == language]
        elif facts and language != "all":
            courses = [c for c in courses if not c.language or c.language in languages]
        person = learner_of_user(user)
        enrolled = {}
        if person is not None:
            for enrolment in Enrolment.objects.filter(person=person).order_by("created_at"):
                enrolled[enrolment.course_id] = enrolment
        for course in courses:
            course.my_enrolment = enrolled.get(course.pk)
        return super().get_context_data(
            courses=courses,
            q=q,
            role=role,
            language=language,
            roles=CertifiedRole.choices,
            languages=ContentLanguage.choices,
            reader_languages=languages,
            can_edit=user.can_edit_all,
            **kwargs,
        )


def learner_of_user(user):
    return learning.learner_of(user) if user.is_authenticated else None


class CourseDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/course_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        course = visible_course(user, kwargs["uuid"])
        modules = list(course.modules.order_by("position", "pk").select_related("quiz"))
        person = learner_of_user(user)
        enrolment = (
            Enrolment.objects.filter(course=course, person=person).order_by("-created_at").first()
            if person
            else None
        )
        done = learning.completed_modules(enrolment) if enrolment else set()
        for module in modules:
            module.done = module.pk in done
        sessions = list(
            course.sessions.filter(ends_at__gte=timezone.now())
            .annotate(taken=Count("registrations", filter=Q(registrations__status__in=learning.SEAT_TAKING)))
            .order_by("starts_at")
        )
        mine = (
            set(
                SessionRegistration.objects.filter(
                    person=person, session__in=sessions, status=RegistrationStatus.REGISTERED
                ).values_list("session_id", flat=True)
            )
            if person
            else set()
        )
        for session in sessions:
            session.mine = session.pk in mine
            session.left = max(0, session.seats - session.taken)
        enrolments = (
            Enrolment.objects.visible_to(user)
            .filter(course=course)
            .select_related("person", "person__organization")
            .order_by("person__organization__name", "person__last_name")[:200]
        )
        return super().get_context_data(
            course=course,
            modules=modules,
            enrolment=enrolment,
            progress=round(100 * len(done) / len(modules)) if modules else 0,
            sessions=sessions,
            enrolments=enrolments,
            certifications=course.certifications.filter(is_active=True),
            enrol_form=EnrolForm(user=user),
            can_edit=user.can_edit_all,
            is_partner=user.is_partner_user,
            **kwargs,
        )


class CourseFormView(StaffEditorMixin, TemplateView):
    template_name = "enablement/course_form.html"

    def get_course(self):
        return get_object_or_404(Course, uuid=self.kwargs["uuid"]) if "uuid" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        course = self.get_course()
        return self.render_to_response(self.get_context_data(form=CourseForm(instance=course), course=course))

    def post(self, request, *args, **kwargs):
        course = self.get_course()
        form = CourseForm(request.POST, instance=course)
        if form.is_valid():
            with request_actor(request), transaction.atomic():
                course = form.save()
            messages.success(request, _("Course saved."))
            return redirect(course.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, course=course), status=422)


class EnrolView(LoginRequiredMixin, View):
    """Enrol oneself, or (a partner's colleague, anyone for editors) the person chosen."""

    def post(self, request, uuid):
        course = visible_course(request.user, uuid)
        person, due_date = None, None
        if request.POST.get("person"):
            form = EnrolForm(request.POST, user=request.user)
            if not form.is_valid():
                messages.error(request, form_errors_text(form))
                return redirect(course.get_absolute_url())
            person, due_date = form.cleaned_data["person"], form.cleaned_data["due_date"]
        try:
            with request_actor(request):
                enrolment = learning.enrol(request.user, course, person, due_date=due_date)
        except ValidationError as exc:
            return refused(request, exc, course.get_absolute_url())
        messages.success(request, _("%(person)s is enrolled.") % {"person": enrolment.person})
        return redirect(course.get_absolute_url())


class WithdrawView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        enrolment = get_object_or_404(Enrolment.objects.visible_to(request.user), uuid=uuid)
        try:
            with request_actor(request):
                learning.withdraw(request.user, enrolment)
        except ValidationError as exc:
            return refused(request, exc, enrolment.course.get_absolute_url())
        return redirect(enrolment.course.get_absolute_url())


class GrantAttemptView(StaffEditorMixin, View):
    def post(self, request, uuid):
        enrolment = get_object_or_404(Enrolment, uuid=uuid)
        with request_actor(request):
            learning.grant_attempt(request.user, enrolment)
        messages.success(
            request, _("One more quiz attempt granted to %(person)s.") % {"person": enrolment.person}
        )
        return redirect(enrolment.course.get_absolute_url())


def visible_module(user, uuid) -> Module:
    return get_object_or_404(Module.objects.visible_to(user).select_related("course"), uuid=uuid)


def learner_enrolment(user, module) -> Enrolment | None:
    person = learner_of_user(user)
    if person is None:
        return None
    return (
        Enrolment.objects.filter(
            course_id=module.course_id, person=person, status=EnrolmentStatus.IN_PROGRESS
        )
        .select_related("person", "course")
        .first()
    )


class ModuleDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/module_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        module = visible_module(user, kwargs["uuid"])
        enrolment = learner_enrolment(user, module)
        files = list(module.files.order_by("kind", "title"))
        person = learner_of_user(user)
        feedback = ModuleFeedback.objects.filter(module=module, person=person).first() if person else None
        siblings = list(module.course.modules.order_by("position", "pk").values_list("uuid", "title"))
        index = next(i for i, (public, _t) in enumerate(siblings) if public == module.uuid)
        return super().get_context_data(
            module=module,
            course=module.course,
            enrolment=enrolment,
            done=bool(enrolment and module.pk in learning.completed_modules(enrolment)),
            quiz=Quiz.objects.filter(module=module).first(),
            images=[f for f in files if f.kind == "image"],
            videos=[f for f in files if f.kind == "video"],
            documents=[f for f in files if f.kind == "document"],
            feedback=feedback,
            feedback_form=FeedbackForm(initial={"rating": feedback.rating, "comment": feedback.comment})
            if feedback
            else FeedbackForm(),
            may_give_feedback=bool(
                person and Enrolment.objects.filter(course_id=module.course_id, person=person).exists()
            ),
            previous=siblings[index - 1] if index > 0 else None,
            next=siblings[index + 1] if index + 1 < len(siblings) else None,
            can_edit=user.can_edit_all,
            **kwargs,
        )


class ModuleCompleteView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        module = visible_module(request.user, uuid)
        enrolment = learner_enrolment(request.user, module)
        if enrolment is None:
            messages.error(request, _("Enrol in the course first."))
            return redirect(module.get_absolute_url())
        try:
            with request_actor(request):
                learning.complete_module(request.user, enrolment, module)
        except ValidationError as exc:
            return refused(request, exc, module.get_absolute_url())
        messages.success(request, _("Module completed."))
        return redirect(module.get_absolute_url())


class ModuleFileView(LoginRequiredMixin, View):
    """A module's file, for those who may see its course; images and videos shown in the page."""

    def get(self, request, uuid):
        item = get_object_or_404(ModuleFile.objects.visible_to(request.user), uuid=uuid)
        return private_response(
            item.file,
            filename=item.original_name,
            content_type=item.content_type,
            inline=item.kind != "document",
            request=request,
        )


class ModuleFormView(StaffEditorMixin, TemplateView):
    """Write a module (new under a course, or existing), attach files, and set its quiz."""

    template_name = "enablement/module_form.html"

    def dispatch(self, request, *args, **kwargs):
        if "uuid" in kwargs:
            self.module = get_object_or_404(Module.objects.select_related("course"), uuid=kwargs["uuid"])
            self.course = self.module.course
        else:
            self.module = None
            self.course = get_object_or_404(Course, uuid=kwargs["course"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        quiz = Quiz.objects.filter(module=self.module).first() if self.module else None
        kwargs.setdefault(
            "form", ModuleForm(instance=self.module, initial={"position": self.course.modules.count() + 1})
        )
        kwargs.setdefault("file_form", ModuleFileForm())
        kwargs.setdefault("quiz_form", QuizForm(instance=quiz))
        kwargs.setdefault("question_form", QuestionForm())
        questions = (
            list(quiz.questions.prefetch_related("choices").order_by("position", "pk")) if quiz else []
        )
        return super().get_context_data(
            module=self.module,
            course=self.course,
            quiz=quiz,
            questions=questions,
            files=self.module.files.all() if self.module else [],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "module")
        with request_actor(request):
            if action == "module":
                form = ModuleForm(request.POST, instance=self.module)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=422)
                module = form.save(commit=False)
                module.course = self.course
                module.save()
                messages.success(request, _("Module saved."))
                return redirect(reverse("enablement:module-update", kwargs={"uuid": module.uuid}))
            if self.module is None:
                raise Http404
            if action == "file":
                return self._add_file(request)
            if action == "quiz":
                quiz = Quiz.objects.filter(module=self.module).first() or Quiz(module=self.module)
                form = QuizForm(request.POST, instance=quiz)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(quiz_form=form), status=422)
                form.save()
                messages.success(request, _("Quiz saved."))
            elif action == "question":
                quiz = get_object_or_404(Quiz, module=self.module)
                form = QuestionForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(question_form=form), status=422)
                with transaction.atomic():
                    question = Question.objects.create(
                        quiz=quiz,
                        position=quiz.questions.count() + 1,
                        text=form.cleaned_data["text"],
                        explanation=form.cleaned_data["explanation"],
                        kind="multiple" if sum(r for _t, r in form.cleaned_data["choices"]) > 1 else "single",
                    )
                    Choice.objects.bulk_create(
                        [
                            Choice(question=question, position=i, text=text, is_correct=right)
                            for i, (text, right) in enumerate(form.cleaned_data["choices"], start=1)
                        ]
                    )
                messages.success(request, _("Question added."))
            elif action == "delete-question":
                Question.objects.filter(quiz__module=self.module, uuid=request.POST.get("question")).delete()
        return redirect(reverse("enablement:module-update", kwargs={"uuid": self.module.uuid}))

    def _add_file(self, request):
        form = ModuleFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content_type = check_upload(upload, form.cleaned_data["kind"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(file_form=form), status=422)
        item = ModuleFile(
            module=self.module,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            original_name=clean_name(upload.name),
            content_type=content_type,
            size=upload.size,
        )
        item.file.save(upload.name, upload, save=False)
        item.save()
        messages.success(request, _("File added."))
        return redirect(reverse("enablement:module-update", kwargs={"uuid": self.module.uuid}))


class QuizView(LoginRequiredMixin, TemplateView):
    """The quiz of a module: past attempts, the open one's questions (never which answers are right),
    and the result of the last one."""

    template_name = "enablement/quiz.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        module = visible_module(user, kwargs["uuid"])
        quiz = get_object_or_404(Quiz, module=module)
        enrolment = learner_enrolment(user, module)
        person = learner_of_user(user)
        attempts = list(
            QuizAttempt.objects.filter(quiz=quiz, enrolment__person=person).order_by("number")
            if person
            else []
        )
        current = next((a for a in attempts if a.submitted_at is None), None)
        questions = []
        if current is not None:
            by_pk = {
                q.pk: q
                for q in Question.objects.filter(pk__in=current.question_ids).prefetch_related("choices")
            }
            questions = [by_pk[pk] for pk in current.question_ids if pk in by_pk]
        last = next((a for a in reversed(attempts) if a.submitted_at is not None), None)
        passed = any(a.passed for a in attempts)
        left = learning.attempts_left(quiz, enrolment) if enrolment else None
        review = []
        if last is not None:
            review = self._review(last, show_right=passed or left == 0)
        return super().get_context_data(
            module=module,
            course=module.course,
            quiz=quiz,
            enrolment=enrolment,
            attempts=attempts,
            current=current,
            questions=questions,
            last=last,
            passed=passed,
            left=left,
            review=review,
            question_count=quiz.questions.count(),
            **kwargs,
        )

    @staticmethod
    def _review(attempt, *, show_right: bool) -> list[dict]:
        """Each question of a submitted attempt: the answers given, right or wrong; the right answers only
        once the quiz is passed or no attempt is left (they would help the next attempt otherwise)."""
        rows = []
        by_pk = {
            q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
        }
        for pk in attempt.question_ids:
            question = by_pk.get(pk)
            if question is None:
                continue
            given = set(attempt.answers.get(str(pk), []))
            right = {c.pk for c in question.choices.all() if c.is_correct}
            rows.append(
                {
                    "question": question,
                    "given": [c.text for c in question.choices.all() if c.pk in given],
                    "correct": given == right,
                    "right": [c.text for c in question.choices.all() if c.is_correct] if show_right else None,
                }
            )
        return rows


class QuizStartView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        module = visible_module(request.user, uuid)
        quiz = get_object_or_404(Quiz, module=module)
        url = reverse("enablement:quiz", kwargs={"uuid": module.uuid})
        enrolment = learner_enrolment(request.user, module)
        if enrolment is None:
            messages.error(request, _("Enrol in the course first."))
            return redirect(url)
        try:
            with request_actor(request):
                learning.start_attempt(request.user, enrolment, quiz)
        except ValidationError as exc:
            return refused(request, exc, url)
        return redirect(url)


class QuizSubmitView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        attempt = get_object_or_404(
            QuizAttempt.objects.visible_to(request.user).select_related("quiz__module"), uuid=uuid
        )
        url = reverse("enablement:quiz", kwargs={"uuid": attempt.quiz.module.uuid})
        answers = {
            key.removeprefix("q-"): request.POST.getlist(key) for key in request.POST if key.startswith("q-")
        }
        try:
            with request_actor(request):
                attempt = learning.submit_attempt(request.user, attempt, answers)
        except ValidationError as exc:
            return refused(request, exc, url)
        if attempt.passed:
            messages.success(request, _("Passed with %(score)s %%.") % {"score": attempt.score})
        else:
            messages.warning(request, _("Not passed: %(score)s %%.") % {"score": attempt.score})
        return redirect(url)


class FeedbackView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        module = visible_module(request.user, uuid)
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(module.get_absolute_url())
        try:
            with request_actor(request):
                learning.give_feedback(
                    request.user, module, form.cleaned_data["rating"], form.cleaned_data["comment"]
                )
        except ValidationError as exc:
            return refused(request, exc, module.get_absolute_url())
        messages.success(request, _("Thank you for your feedback."))
        return redirect(module.get_absolute_url() + "#feedback")


class FeedbackListView(LoginRequiredMixin, TemplateView):
    """For content owners: every module's ratings and comments, to read and answer."""

    template_name = "enablement/feedback_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.is_staff_member:
            raise PermissionDenied
        courses = Course.objects.all() if user.can_edit_all else Course.objects.filter(owner=user)
        if self.request.GET.get("mine") and user.can_edit_all:
            courses = courses.filter(owner=user)
        modules = list(
            Module.objects.filter(course__in=courses)
            .annotate(average=Avg("feedback__rating"), count=Count("feedback"))
            .filter(count__gt=0)
            .select_related("course")
            .order_by("course__title", "position")
        )
        feedback = (
            ModuleFeedback.objects.filter(module__in=modules)
            .select_related("module", "person", "person__organization", "replied_by")
            .order_by("-created_at")[:200]
        )
        return super().get_context_data(modules=modules, feedback=feedback, reply_form=ReplyForm(), **kwargs)


class FeedbackReplyView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        feedback = get_object_or_404(ModuleFeedback.objects.visible_to(request.user), uuid=uuid)
        form = ReplyForm(request.POST)
        url = reverse("enablement:feedback-list")
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(url)
        try:
            with request_actor(request):
                learning.answer_feedback(request.user, feedback, form.cleaned_data["reply"])
        except ValidationError as exc:
            return refused(request, exc, url)
        messages.success(request, _("Answer sent."))
        return redirect(url)


class SessionFormView(StaffEditorMixin, TemplateView):
    template_name = "enablement/session_form.html"

    def get(self, request, uuid):
        course = get_object_or_404(Course, uuid=uuid)
        return self.render_to_response(self.get_context_data(form=SessionForm(), course=course))

    def post(self, request, uuid):
        course = get_object_or_404(Course, uuid=uuid)
        form = SessionForm(request.POST, instance=CourseSession(course=course))
        if form.is_valid():
            with request_actor(request):
                form.save()
            messages.success(request, _("Session added."))
            return redirect(course.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, course=course), status=422)


class SessionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/session_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        session = get_object_or_404(
            CourseSession.objects.visible_to(user).select_related("course"), uuid=kwargs["uuid"]
        )
        registrations = (
            SessionRegistration.objects.visible_to(user)
            .filter(session=session)
            .select_related("person", "person__organization")
            .order_by("person__organization__name", "person__last_name")
        )
        taken = session.registrations.filter(status__in=learning.SEAT_TAKING).count()
        return super().get_context_data(
            session=session,
            registrations=registrations,
            taken=taken,
            left=max(0, session.seats - taken),
            enrol_form=EnrolForm(user=user),
            can_edit=user.can_edit_all,
            **kwargs,
        )


class SessionRegisterView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        session = get_object_or_404(CourseSession.objects.visible_to(request.user), uuid=uuid)
        person = None
        if request.POST.get("person"):
            form = EnrolForm(request.POST, user=request.user)
            if not form.is_valid():
                messages.error(request, form_errors_text(form))
                return redirect(session.get_absolute_url())
            person = form.cleaned_data["person"]
        try:
            with request_actor(request):
                registration = learning.register(request.user, session, person)
        except ValidationError as exc:
            return refused(request, exc, session.get_absolute_url())
        messages.success(request, _("%(person)s is registered.") % {"person": registration.person})
        return redirect(session.get_absolute_url())


class RegistrationUpdateView(LoginRequiredMixin, View):
    """Cancel a registration (its person's organisation or staff), or record attendance (editors)."""

    def post(self, request, uuid):
        registration = get_object_or_404(
            SessionRegistration.objects.visible_to(request.user).select_related("session", "person"),
            uuid=uuid,
        )
        action = request.POST.get("action")
        try:
            with request_actor(request):
                if action == "cancel":
                    learning.cancel_registration(request.user, registration)
                elif action in ("attended", "absent"):
                    learning.mark_attendance(request.user, registration, action == "attended")
                else:
                    raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            return refused(request, exc, registration.session.get_absolute_url())
        return redirect(registration.session.get_absolute_url())
