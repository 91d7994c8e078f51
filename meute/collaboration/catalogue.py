"""The playbook of each collaboration model: everything the "Réussir Ensemble" programme says must be defined.

Data only: ``CATALOGUE[model]`` is the ordered list of entries (key, title, guidance, required). An entry
may carry a value to record (``value_kind="percent"`` with bounds, e.g. the referral rate, 5 to 20 % of
the deal amount or margin). ``meute.collaboration.playbooks`` turns a model's entries into a grouping's items.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from meute.partnerships.choices import CollaborationModel as M


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    guidance: str
    required: bool = True
    value_kind: str = ""  # "" or "percent"
    minimum: Decimal | None = None
    maximum: Decimal | None = None


REFERRAL_RATE_MIN = Decimal("5")
REFERRAL_RATE_MAX = Decimal("20")

CATALOGUE = {
    M.REFERRAL: [
        Entry(
            "referral_rate",
            _("Referral fee rate"),
            _(
                "A percentage of the deal amount or of the margin made between the parties, usually from "
                "5 % to 20 %. Say which base applies (amount or margin)."
            ),
            value_kind="percent",
            minimum=REFERRAL_RATE_MIN,
            maximum=REFERRAL_RATE_MAX,
        ),
        Entry(
            "referral_obligation",
            _("Obligation limited to the introduction"),
            _(
                "The referrer finds opportunities and does everything to make the introduction happen; they "
                "have no other obligation and are not liable if the deal is not concluded."
            ),
        ),
        Entry(
            "referral_contract",
            _("Brokerage contract"),
            _("In law the referrer is a broker: a simple brokerage contract between the two members."),
        ),
    ],
    M.JOINT_CAMPAIGN: [
        Entry(
            "campaign_actions",
            _("Action types and means"),
            _(
                "Which actions (events, e-mailing, telephone prospection, joint communication) and by what "
                "means."
            ),
        ),
        Entry(
            "campaign_themes",
            _("Prospection themes"),
            _("The themes of the prospection, chosen case by case."),
        ),
        Entry(
            "campaign_communication",
            _("Communication towards the targets"),
            _("What is said to the targets, by whom and through which channels."),
        ),
        Entry(
            "campaign_budget_split",
            _("Budget split between members"),
            _("How the budget of each campaign is shared between the members taking part."),
        ),
        Entry(
            "campaign_coordinator",
            _("A coordinator per project"),
            _(
                "One coordinator per campaign manages and supervises the project and keeps the other "
                "members of the grouping informed."
            ),
        ),
        Entry(
            "campaign_contract",
            _("Agreement listing cross obligations"),
            _("A simple contract, not specifically regulated, listing what each party undertakes to do."),
        ),
    ],
    M.MARKETING_COOPERATION: [
        Entry(
            "coop_duration",
            _("A common project of at least 12 months"),
            _("The members commit to a common market approach for 12 months or more."),
        ),
        Entry(
            "coop_prospection_plan",
            _("Prospection plan"),
            _("The targets and the major marketing and sales actions."),
        ),
        Entry(
            "coop_events_plan",
            _("Events plan"),
            _("Trade fairs and shows, and own events: seminars, conferences, professional evenings."),
        ),
        Entry(
            "coop_digital_plan",
            _("Digital marketing plan"),
            _("Web activity, sites, social media, e-mailing."),
        ),
        Entry(
            "coop_institutional_plan",
            _("Institutional communication plan"),
            _("Press kit, press releases and a presentation sheet of the grouping, its purpose and members."),
        ),
        Entry(
            "coop_offer_plan",
            _("Offer marketing plan"),
            _("A consistent presentation of the grouping's offer, its benefits and its price."),
        ),
        Entry(
            "coop_objectives",
            _("Results objectives and action calendar"),
            _("Quantified objectives, a calendar of actions, the campaigns, deliverables and follow-up."),
        ),
        Entry(
            "coop_theme",
            _("Coherent theme and clear added value"),
            _("A presentation theme consistent with the market and an obvious added value for the targets."),
        ),
        Entry(
            "coop_shared_means",
            _("Shared marketing means"),
            _("Database, files, messages, CRM, callers: what is shared and on which budget."),
            required=False,
        ),
    ],
    M.PARTIAL_SALES_INTEGRATION: [
        Entry(
            "sales_offer_scope",
            _("Packaged offer: scope, value proposition and coherence"),
            _(
                "The scope (services or products), the value proposition, its coherence with each member's "
                "offer and with the target customers. The customer must understand the added value simply."
            ),
        ),
        Entry(
            "sales_tools",
            _("Sales tools"),
            _(
                "Proposal template, price grid, standard sales contract, SLA model, warranty and liability "
                "clauses."
            ),
        ),
        Entry(
            "sales_cycle_roles",
            _("Roles and resources per sales-cycle step"),
            _("For each step: who does what and with which resources (sales, pre-sales, technical)."),
        ),
        Entry(
            "sales_project_lead",
            _("Project lead and commercial strategy"),
            _(
                "Who leads the project and who decides the commercial strategy (scope, sales approach, "
                "closing)."
            ),
        ),
        Entry(
            "sales_handover",
            _("Hand-over criterion between members"),
            _("The sales step or criterion at which a deal passes from one member to another."),
        ),
        Entry(
            "sales_proposals",
            _("Who formalises and adapts proposals"),
            _("Who writes the proposals and adapts them to each customer's context."),
        ),
        Entry(
            "sales_price_decision",
            _("Price decision and delegation levels"),
            _(
                "The price and contract terms stay with the original offeror; price delegation levels may "
                "be defined."
            ),
        ),
        Entry(
            "sales_remuneration",
            _("Remuneration model"),
            _(
                "Each member's remuneration by involvement in the sales cycle: a percentage of revenue or "
                "margin, a fixed amount, or any other mode agreed beforehand."
            ),
        ),
        Entry(
            "sales_commission_pool",
            _("Commission pool for sales with more than two members"),
            _("For complex sales involving more than two members, a commission pool favours teamwork."),
            required=False,
        ),
    ],
    M.TECHNOLOGY_INTEGRATION: [
        Entry("tech_data_models", _("Shared data models"), _("The data models the integrated offer shares.")),
        Entry(
            "tech_interfaces",
            _("Interface development and maintenance"),
            _("Who develops and maintains the interfaces, over the product's life cycle."),
        ),
        Entry("tech_roadmaps", _("Shared road-maps"), _("How and how often the members share road-maps.")),
        Entry(
            "tech_documentation",
            _("Interface and API documentation"),
            _("Where the documentation of the interfaces and APIs lives and who keeps it up to date."),
        ),
        Entry(
            "tech_ip",
            _("Intellectual property of joint modules"),
            _("Who owns the additional modules developed in common, whatever becomes of the partnership."),
        ),
        Entry(
            "tech_ambition",
            _("Long-term shared ambition"),
            _("The integration is long-term (maintenance, evolution): the ambition must be clearly shared."),
        ),
    ],
    M.OEM: [
        Entry("oem_transfer_prices", _("Transfer prices between members"), _("The prices between members.")),
        Entry(
            "oem_market_price_range",
            _("Market price range"),
            _("The range of prices to propose to the market — a range only: imposed prices are not allowed."),
        ),
        Entry(
            "oem_ip",
            _("Intellectual property of transferred or created modules"),
            _("Who owns the modules transferred and those created for the OEM offer."),
        ),
        Entry(
            "oem_maintenance",
            _("Corrective and evolutive maintenance"),
            _("Notice period, intervention time and terms, cost, and an SLA for a recurring service (SaaS)."),
        ),
        Entry(
            "oem_penalties_exit",
            _("Penalties and exit conditions"),
            _("Any penalties, and the conditions to leave the contract."),
        ),
        Entry(
            "oem_contract",
            _("OEM contract"),
            _("White or grey label integration of a member's offer by another: a specific OEM contract."),
        ),
    ],
    M.GIE: [
        Entry(
            "gie_legal_personality",
            _("Own legal personality"),
            _(
                "The GIE is a legal entity of its own, governed by the French Code de commerce, articles "
                "L251-1 and following."
            ),
        ),
        Entry(
            "gie_no_profit",
            _("No profit distribution to members"),
            _("Unlike a company, a GIE cannot distribute any profit to its members."),
        ),
        Entry(
            "gie_purpose",
            _("Purpose limited to the members' activity"),
            _(
                "Its purpose is to facilitate or develop the members' economic activity and to improve or "
                "increase its results."
            ),
        ),
        Entry(
            "gie_members_only",
            _("Services to members only"),
            _("The GIE reserves its products and services to its members; it has no outside customers."),
        ),
        Entry(
            "gie_pooled_resources",
            _("Pooled resources"),
            _("The shared files and tools, and the resources pooled to design and run them."),
        ),
        Entry(
            "gie_eeig",
            _("European option (EEIG)"),
            _(
                "A European economic interest grouping is possible under Council Regulation (EEC) "
                "No 2137/85 of 25 July 1985."
            ),
            required=False,
        ),
    ],
    M.CROSS_SHAREHOLDING: [
        Entry(
            "xs_consequences",
            _("Legal, tax and personal consequences studied"),
            _("A careful study of the legal, tax and sometimes personal (patrimonial) consequences."),
        ),
        Entry(
            "xs_shareholders_agreement",
            _("Shareholders' agreement"),
            _("The shareholders' agreement, and any agreements or protocols between associates."),
        ),
        Entry(
            "xs_securities",
            _("Securities operations"),
            _("The operations on securities that create the cross-shareholding."),
        ),
        Entry(
            "xs_exit",
            _("Exit terms"),
            _("How associates part if the relationship does not work: often complex, costly and painful."),
        ),
        Entry(
            "xs_associates",
            _("Choice of associates"),
            _("Make no mistake about the people who become business partners and now associates."),
        ),
    ],
}


def entries_for(model: str) -> list[Entry]:
    return CATALOGUE.get(model, [])


def entry(model: str, key: str) -> Entry | None:
    return next((item for item in entries_for(model) if item.key == key), None)
