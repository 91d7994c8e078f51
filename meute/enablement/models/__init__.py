"""Enablement: onboarding journeys, courses and e-learning, quizzes, certifications, the partner library
and support contacts. A package because the capability's models exceed 600 lines: one module per part."""

from .audience import AudienceFacts, Targeted, TargetedQuerySet, audience_facts, reaches
from .certifications import (
    Certification,
    CertificationReminder,
    PersonCertification,
    PersonCertificationQuerySet,
)
from .content import ContentDownload, ContentItem, ContentVersion, DigestState, SupportContact
from .courses import (
    Course,
    CourseSession,
    Enrolment,
    Module,
    ModuleFeedback,
    ModuleFile,
    ModuleProgress,
    PersonScopedQuerySet,
    SessionRegistration,
    private_file_path,
)
from .journeys import Journey, JourneyStep, JourneyTemplate, TemplateStep
from .quizzes import Choice, Question, Quiz, QuizAttempt

__all__ = [
    "AudienceFacts",
    "Certification",
    "CertificationReminder",
    "Choice",
    "ContentDownload",
    "ContentItem",
    "ContentVersion",
    "Course",
    "CourseSession",
    "DigestState",
    "Enrolment",
    "Journey",
    "JourneyStep",
    "JourneyTemplate",
    "Module",
    "ModuleFeedback",
    "ModuleFile",
    "ModuleProgress",
    "PersonCertification",
    "PersonCertificationQuerySet",
    "PersonScopedQuerySet",
    "Question",
    "Quiz",
    "QuizAttempt",
    "SessionRegistration",
    "SupportContact",
    "Targeted",
    "TargetedQuerySet",
    "TemplateStep",
    "audience_facts",
    "private_file_path",
    "reaches",
]
